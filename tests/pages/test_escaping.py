"""The templates' faster escaping makes what markupsafe.escape makes."""

from __future__ import annotations

import markupsafe
import pytest
from markupsafe import Markup

from briefings.pages.escaping import escape
from briefings.pages.render import environment


class Html:
    """An object that renders itself as HTML."""

    def __html__(self):
        return "<b>x</b>"


@pytest.mark.parametrize("value", ["", "plain", "<a href=\"x\">&'</a>", "\u00e9\U0001f600<", Markup("<i>ok</i>"),
                                   3, 2.5, None, Html()])
def test_escape_is_markupsafes(value):
    made = escape(value)
    assert type(made) is Markup and made == markupsafe.escape(value)


def test_templates_escape_with_it():
    env = environment(None)
    template = env.from_string("{{ a }}|{{ b }}|{{ c }}")
    assert template.root_render_func.__globals__["escape"] is escape
    assert template.render(a="<&>", b=Markup("<br>"), c=7) == "&lt;&amp;&gt;|<br>|7"
