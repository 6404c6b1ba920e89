"""The one user-facing error: a problem in the user's content, templates or options."""

from __future__ import annotations


class ContentError(Exception):
    """A mistake the user can fix, reported as PATH:LINE:COLUMN: error: MESSAGE."""

    def __init__(self, path: str, line: int, column: int, message: str) -> None:
        # One error is one line, even when the message quotes a value or key holding a line break.
        message = "\\n".join(str(message).splitlines())
        super().__init__(message)
        self.path = str(path)
        self.line = max(1, int(line))
        self.column = max(1, int(column))
        self.message = message

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: error: {self.message}"

    def sort_key(self) -> tuple[str, int, int, str]:
        """Return the key that orders errors by file, then position."""
        return (self.path, self.line, self.column, self.message)


def raise_all(errors: list[ContentError]) -> None:
    """Raise every collected error at once, in file order, if there are any."""
    if errors:
        unique = {str(e): e for e in errors}.values()
        raise ExceptionGroup("content errors", sorted(unique, key=ContentError.sort_key))


def flatten(group: BaseException) -> list[ContentError]:
    """Return the content errors inside an error or (nested) exception group."""
    if isinstance(group, ContentError):
        return [group]
    if isinstance(group, BaseExceptionGroup):
        return [e for sub in group.exceptions for e in flatten(sub)]
    return []
