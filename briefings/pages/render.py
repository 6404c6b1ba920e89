"""Stage 5: render pages through Jinja templates found on a search path (user folder first)."""

from __future__ import annotations

import datetime as dt
import os
from functools import lru_cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from ..errors import ContentError
from ..text.markdown import render_markdown
from ..text.safety import safe_url
from . import fastjson
from .escaping import Template


def default_templates() -> Path:
    """Return the built-in templates folder (the repository's templates/ or the installed copy)."""
    package = Path(__file__).resolve().parent.parent
    installed = package / "default_templates"
    return installed if installed.is_dir() else package.parent / "templates"


def search_path(user: Path | None) -> list[Path]:
    """Return the template folders to search: the user's first, the defaults last."""
    defaults = default_templates()
    dirs = [user] if user and user.is_dir() and user.resolve() != defaults.resolve() else []
    return dirs + [defaults]


def environment(user: Path | None, allow_html: bool = False) -> jinja2.Environment:
    """Create the Jinja environment: strict, autoescaping, with 'default:' to extend a default."""
    defaults = default_templates()
    loader = jinja2.ChoiceLoader([
        jinja2.FileSystemLoader([str(p) for p in search_path(user)]),
        jinja2.PrefixLoader({"default": jinja2.FileSystemLoader(str(defaults))}, delimiter=":"),
    ])
    env = jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters.update(markdown=lambda text: Markup(cached_markdown(text or "", allow_html)),
                       safe_url=lambda url: safe_url(url) or "", longdate=longdate,
                       isodate=lambda d: d.isoformat() if d else "", month=month,
                       tojson_script=tojson_script, plural=plural, kind_label=kind_label)
    env.template_class = Template  # the same output, escaped faster
    env.allow_html = allow_html  # what its markdown filter was made with
    return env


@lru_cache(maxsize=4096)
def cached_markdown(text: str, allow_html: bool) -> str:
    """Render a short Markdown text once per build, however many pages show it."""
    return render_markdown(text, allow_html)


def kind_label(kind: str) -> str:
    """Name an annotation kind for readers: 'statement' -> 'Statement'."""
    return KIND_LABELS.get(kind, kind)


KIND_LABELS = {"provision": "Provision", "statement": "Statement", "note": "Note", "correction": "Correction"}


@lru_cache(maxsize=8192)  # listings show the same few thousand dates over and over; strftime is slow
def longdate(d: dt.date | None) -> str:
    """Format a date for readers: '4 March 2026'."""
    return f"{d.day} {d:%B %Y}" if d else ""


def month(d: dt.date) -> str:
    """Format a date's month: 'March 2026'."""
    return f"{d:%B %Y}"


def plural(n: int, one: str, many: str | None = None) -> str:
    """Return '1 statement' or '3 statements'."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def tojson_script(value) -> Markup:
    """Serialise JSON for a <script> element so no value can close it or start markup."""
    text = fastjson.dumps(value)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def render_page(env: jinja2.Environment, template: str, context: dict) -> str:
    """Render one page, turning template mistakes into a located ContentError."""
    try:
        return env.get_template(template).render(context)
    except jinja2.TemplateSyntaxError as exc:
        raise ContentError(shown(exc.filename or exc.name or template), exc.lineno or 1, 1,
                           f"template syntax error: {exc.message}") from None
    except jinja2.TemplateNotFound as exc:
        raise ContentError(shown(template), 1, 1, f"template not found: {exc.name}") from None
    except ContentError:
        raise
    except Exception as exc:  # a template's own mistake; name the template file and line
        where = template_frame(exc.__traceback__)
        if where is None:
            raise
        message = exc.message if isinstance(exc, jinja2.TemplateError) else f"{type(exc).__name__}: {exc}"
        raise ContentError(shown(where[0]), where[1], 1, f"template error: {message}") from None


def template_frame(tb) -> tuple[str, int] | None:
    """Return (file, line) of the innermost template frame in a traceback."""
    found = None
    templates = {str(p.resolve()) for p in [default_templates()]}
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name.endswith((".html", ".xml", ".txt", ".j2", ".jinja")) or any(
                name.startswith(t) for t in templates):
            found = (name, tb.tb_lineno)
        tb = tb.tb_next
    return found


def shown(path: str) -> str:
    """Return a path relative to the working folder when possible."""
    try:
        return os.path.relpath(path) if os.path.isabs(path) else path
    except ValueError:
        return path

