"""Templates whose autoescaping makes the same Markup as markupsafe.escape, without its Python-level
constructor.

With autoescape on, every `{{ value }}` of a template goes through markupsafe.escape, which wraps
the escaped text in Markup(...): Markup.__new__ is Python code, called millions of times a build
(about a sixth of all rendering time). For a plain str the same Markup is made here by str.__new__
directly; anything else (Markup, numbers, objects with __html__, undefined values) still goes
through markupsafe.escape.
"""

from __future__ import annotations

import jinja2
import markupsafe
from markupsafe import Markup

_inner = getattr(markupsafe, "_escape_inner", None)
"""markupsafe's escaper of plain text (its C speedup when built), or None in a version without it."""
_new = str.__new__


def escape(value) -> Markup:
    """Return markupsafe.escape(value): the same Markup, made faster for plain text."""
    if type(value) is str:
        return _new(Markup, _inner(value))
    return markupsafe.escape(value)


class Template(jinja2.Template):
    """A template whose compiled code escapes with escape() above."""

    @classmethod
    def _from_namespace(cls, environment, namespace, globals):
        """Make the template, its compiled code's global name `escape` bound to escape() above."""
        if _inner is not None and namespace.get("escape") is markupsafe.escape:
            namespace["escape"] = escape
        return super()._from_namespace(environment, namespace, globals)
