"""The pieces of the preview's authoring that need no server: page paths, new entries, request
bodies, loopback addresses and the error page's repair buttons."""

from __future__ import annotations

import json

import pytest

from briefings.content.ids import derive_id
from briefings.preview.authoring import MAX_BODY, loopback, parsed
from briefings.preview.edits import Refused, new_entry, slug_of
from briefings.preview.http import error_page


@pytest.mark.parametrize("page, slug", [
    ("/briefings/quota/", "quota"), ("/briefings/quota/index.html", "quota"), ("/briefings/quota", "quota"),
    ("/briefings/quota/?x=1", "quota"), ("/", None), ("/briefings/", None), ("/speakers/ana/", None),
    ("/briefings/quota/extra/", None), ("", None), ("/briefings/2026/page/2/", None),
])
def test_slug_of_a_page(page, slug):
    assert slug_of(page) == slug


def test_a_new_entry_is_in_the_protocol_order_with_only_what_is_given():
    fields = {"quote": "sprat cut", "prefix": "questioned the"}
    change = {"kind": "statement", "note": "  A note.\n", "speaker": " ana-berg ", "provision": "", "id": "my-id"}
    entry = new_entry(fields, change)
    assert list(entry.items()) == [("quote", "sprat cut"), ("kind", "statement"), ("id", "my-id"),
                                   ("speaker", "ana-berg"), ("prefix", "questioned the"), ("note", "  A note.\n")]


def test_a_new_entry_leaves_out_the_derived_id_and_an_empty_note():
    fields = {"quote": "cut", "suffix": "announced", "occurrence": 2}
    derived = derive_id("cut", "", "announced", 2)
    entry = new_entry(fields, {"kind": "note", "note": "  ", "id": derived})
    assert list(entry) == ["quote", "kind", "suffix", "occurrence"]


def test_a_field_of_another_type_is_refused():
    with pytest.raises(Refused) as caught:
        new_entry({"quote": "x"}, {"kind": ["note"]})
    assert caught.value.status == 400


@pytest.mark.parametrize("host, own", [
    ("127.0.0.1", True), ("127.8.9.10", True), ("::1", True), ("[::1]", True), ("localhost", True),
    ("LOCALHOST", True), ("0.0.0.0", False), ("::", False), ("", False), ("192.168.1.5", False),
    ("example.org", False), ("localhost.example.org", False),
])
def test_loopback_addresses(host, own):
    assert loopback(host) is own


@pytest.mark.parametrize("kind, body, status", [
    ("text/plain", b"{}", 400), ("application/json", b"\xff", 400), ("application/json", b"{", 400),
    ("application/json", b'"text"', 400), ("application/json", b" " * (MAX_BODY + 1), 413),
])
def test_bodies_that_are_refused(kind, body, status):
    with pytest.raises(Refused) as caught:
        parsed(kind, body)
    assert caught.value.status == status


def test_a_json_object_is_taken():
    assert parsed("application/json; charset=utf-8", json.dumps({"action": "add"}).encode()) == {"action": "add"}


def test_the_error_page_puts_each_repair_button_after_its_error_escaped():
    errors = ("a.yml:3:5: error: quote not found <b>", "a.yml:9:5: error: unknown kind")
    page = error_page(errors, {0: (4, 'the "sea" <wall> & co')}).decode()
    first, second = page.split("<li>")[1:3]
    assert ('<button type="button" class="briefings-repair" data-offer="4" '
            'data-quote="the &quot;sea&quot; &lt;wall&gt; &amp; co">Use this passage</button>') in first
    assert "&lt;b&gt;" in first and "<b>" not in page
    assert "button" not in second
    assert "button" not in error_page(errors).decode()
