"""Speaker mentions: whole names or aliases in any script; the first linkable mention links."""

from __future__ import annotations

from briefings.text.markdown import parse, visible_text
from briefings.text.mentions import Mentions
from briefings.model import Speaker
from test_anchor import Shape, annotations_from_yaml, check_invariants, render

SPEAKERS = {
    "ana-berg": Speaker(id="ana-berg", name="Ana Berg", aliases=("Berg", "Анна Берг")),
    "li-wei": Speaker(id="li-wei", name="Li Wei", aliases=("李伟",)),
    "kim": Speaker(id="kim", name="Kim Ji-woo", aliases=("김지우",)),
    "somchai": Speaker(id="somchai", name="Somchai", aliases=("สมชาย",)),
}


def find(body: str, speakers=SPEAKERS):
    """Return (named ids, [(linked text, href)]) for a Markdown body."""
    text, segments = visible_text(parse(body))
    named, links = Mentions(speakers).find(text, segments)
    return named, [(text[s:e], href) for s, e, href in links]


def test_name_and_alias_are_found_as_whole_words():
    named, links = find("Berg spoke. Then Ana Berg spoke again. Bergman did not.\n")
    assert named == ("ana-berg",)
    assert links == [("Berg", "../../speakers/ana-berg/")]


def test_longest_name_wins():
    _, links = find("Ana Berg spoke.\n")
    assert links == [("Ana Berg", "../../speakers/ana-berg/")]


def test_not_a_part_of_a_longer_word():
    assert find("Anaberg and Bergs and Li Weijing.\n") == ((), [])


def test_case_matters():
    assert find("ana berg and li wei.\n") == ((), [])


def test_any_whitespace_between_the_words_of_a_name():
    named, links = find("Ana\u00a0Berg spoke.\n")
    assert named == ("ana-berg",) and links == [("Ana\u00a0Berg", "../../speakers/ana-berg/")]


def test_cyrillic_alias():
    named, links = find("Вчера Анна Берг выступила.\n")
    assert named == ("ana-berg",) and links[0][0] == "Анна Берг"


def test_names_in_scripts_without_spaces_are_found_inside_text():
    named, links = find("李伟说，会谈将继续。김지우는 말했다. สมชายกล่าวว่า\n")
    assert named == ("kim", "li-wei", "somchai")
    assert [t for t, _ in links] == ["李伟", "김지우", "สมชาย"]


def test_one_link_per_person_at_the_first_mention():
    _, links = find("Ana Berg met Li Wei. Ana Berg left; Li Wei stayed.\n")
    assert links == [("Ana Berg", "../../speakers/ana-berg/"), ("Li Wei", "../../speakers/li-wei/")]


def test_every_person_in_one_text_token_is_linked():
    html = render("Ana Berg met Li Wei and 李伟 on Monday.\n", (), SPEAKERS).html
    assert html == ('<p><a class="mention" href="../../speakers/ana-berg/">Ana Berg</a> met '
                    '<a class="mention" href="../../speakers/li-wei/">Li Wei</a> and 李伟 on Monday.</p>\n')


def test_mentions_inside_links_code_and_across_breaks_are_not_linked_but_named():
    body = "[Ana Berg](https://e.org) and `Li Wei` and Ana\nBerg. Later Li Wei and Ana Berg.\n"
    text, segments = visible_text(parse(body))
    named, links = Mentions(SPEAKERS).find(text, segments)
    assert named == ("ana-berg", "li-wei")
    assert [text[s:e] for s, e, _ in links] == ["Li Wei", "Ana Berg"]
    assert all(s > text.index("Later") for s, _, _ in links)


def test_mentions_in_headings_lists_and_tables_link():
    _, links = find("# Ana Berg\n\n- Li Wei\n\n| who |\n|---|\n| 李伟 |\n")
    assert [t for t, _ in links] == ["Ana Berg", "Li Wei"]


def test_no_speakers_no_mentions():
    assert Mentions({}).find("Ana Berg", []) == ((), [])


def test_mention_links_nest_with_highlights():
    body = "Before Ana Berg met Li Wei after.\n"
    annotations = annotations_from_yaml(
        "- {id: a, quote: Before Ana}\n- {id: b, quote: Berg met Li}\n- {id: c, quote: Wei after}\n")
    article = render(body, annotations, SPEAKERS)
    shape = check_invariants(body, article, annotations)
    assert article.html.count('<a class="mention"') == 2
    assert "".join(shape.marked["b"]) == "Berg met Li"
    assert Shape(article.html).text == "Before Ana Berg met Li Wei after.\n"


def test_custom_href():
    text, segments = visible_text(parse("Ana Berg.\n"))
    _, links = Mentions(SPEAKERS, href="/people/{}.html").find(text, segments)
    assert links == [(0, 8, "/people/ana-berg.html")]


def test_a_name_inside_a_word_does_not_hide_an_alias_right_after():
    named, links = find("MariaAna Berg spoke.\n")
    assert named == ("ana-berg",) and links == [("Berg", "../../speakers/ana-berg/")]
