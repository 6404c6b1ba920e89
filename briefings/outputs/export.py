"""The W3C Web Annotation export: each briefing's annotations as an AnnotationCollection."""

from __future__ import annotations

from ..model import Briefing, SiteConfig
from ..pages import fastjson
from ..text.textcontent import body_text

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
MOTIVATION = {"note": "commenting", "correction": "assessing", "provision": "linking",
              "statement": "identifying"}
AFFIX = 32


def made_with(page, html: str, common: dict) -> dict[str, bytes]:
    """Return the files made from a rendered page: a briefing's W3C annotation export beside it."""
    if page.template != "briefing.html":
        return {}
    b = page.context["b"]
    names = {sid: s.name for sid, s in common["content"].speakers.items()}
    notes = common["lookup"].article(b.slug).notes
    collection = annotation_collection(b, html, common["site"], notes, names)
    return {f"briefings/{b.slug}/annotations.jsonld": export_json(collection)}


def annotation_collection(b: Briefing, page_html: str, site: SiteConfig, notes: dict[str, str],
                          names: dict[str, str]) -> dict:
    """Describe a briefing's annotations, anchored in the built page's body text."""
    text, spans = body_text(page_html)
    page_url = f"{site.base_url}briefings/{b.slug}/"
    own = f"{page_url}annotations.jsonld"
    items = [annotation(a, text, spans[a.id], page_url, own, notes.get(a.id, ""), names, site, b)
             for a in sorted(b.annotations, key=lambda a: (spans[a.id], a.id))]
    return {
        "@context": CONTEXT, "id": own, "type": "AnnotationCollection",
        "label": f"Annotations on “{b.title}”", "total": len(items),
        "first": {"id": f"{own}#page-1", "type": "AnnotationPage", "startIndex": 0, "items": items},
    }


def annotation(a, text: str, span: tuple[int, int], page_url: str, own: str, note_html: str,
               names: dict[str, str], site: SiteConfig, b: Briefing) -> dict:
    """Describe one annotation with quote and position selectors into the page's text."""
    start, end = span
    bodies = []
    if note_html:
        bodies.append({"type": "TextualBody", "value": note_html, "format": "text/html",
                       "language": site.language, "purpose": MOTIVATION[a.kind]})
    if a.speaker:
        bodies.append({"type": "TextualBody", "value": names[a.speaker], "format": "text/plain",
                       "purpose": "identifying"})
    if a.provision:
        doc, _, prov = a.provision.partition("/")
        bodies.append({"id": f"{site.base_url}documents/{doc}/#{prov}", "type": "Text",
                       "format": "text/html"})
    out = {
        "@context": CONTEXT, "id": f"{own}#{a.id}", "type": "Annotation",
        "motivation": MOTIVATION[a.kind], "created": f"{b.date.isoformat()}T00:00:00Z",
        "target": {"source": page_url, "type": "Text", "format": "text/html", "selector": [
            {"type": "TextQuoteSelector", "exact": text[start:end],
             "prefix": text[max(0, start - AFFIX):start], "suffix": text[end:end + AFFIX]},
            {"type": "TextPositionSelector", "start": start, "end": end},
        ]},
    }
    if bodies:
        out["body"] = bodies[0] if len(bodies) == 1 else bodies
    return out


def export_json(collection: dict) -> bytes:
    """Serialise an export deterministically."""
    return (fastjson.dumps(collection) + "\n").encode()

