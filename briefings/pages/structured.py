"""Schema.org JSON-LD for each page: NewsArticle, Person, Legislation, WebSite."""

from __future__ import annotations

from functools import lru_cache

from ..text.markdown import render_markdown
from ..text.safety import safe_url
from ..text.textcontent import plain_text


def jsonld(page, site, lookup) -> dict | None:
    """Return the structured data of a page, or None for pages without any."""
    url = f"{site.base_url}{page.url}"
    ctx = page.context
    if page.template == "briefing.html":
        return news_article(ctx, url, site, lookup)
    if page.template == "speaker.html":
        return {"@context": "https://schema.org", **person(ctx["s"], site, lookup), "url": url}
    if page.template == "document.html":
        return legislation(ctx["d"], url, site)
    if page.template == "index.html" and not page.url:
        return {"@context": "https://schema.org", "@type": "WebSite", "name": site.title,
                "url": site.base_url, "description": site.description, "inLanguage": site.language}
    return None


@lru_cache(maxsize=8192)
def text_of(markdown: str, allow_html: bool) -> str:
    """Return Markdown as one line of plain text."""
    return plain_text(render_markdown(markdown, allow_html)) if markdown else ""


def organization(site) -> dict:
    """Return the publisher: the site's author, or the site itself."""
    return {"@type": "Organization", "name": site.author or site.title, "url": site.base_url}


def person(s, site, lookup) -> dict:
    """Describe a speaker."""
    out = {"@type": "Person", "name": s.name, "url": f"{site.base_url}speakers/{s.id}/"}
    if s.role:
        out["jobTitle"] = s.role
    if s.organization:
        out["worksFor"] = {"@type": "Organization", "name": s.organization}
    if s.aliases:
        out["alternateName"] = list(s.aliases)
    if s.bio:
        out["description"] = text_of(s.bio, site.allow_html)
    return out


def news_article(ctx: dict, url: str, site, lookup) -> dict:
    """Describe a briefing: who it is about, what it cites, what it corrects."""
    b = ctx["b"]
    out = {
        "@context": "https://schema.org", "@type": "NewsArticle", "headline": b.title,
        "url": url, "mainEntityOfPage": url, "datePublished": b.date.isoformat(),
        "dateModified": b.date.isoformat(), "inLanguage": site.language,
        "author": organization(site), "publisher": organization(site),
        "about": [person(lookup.speaker(s), site, lookup) for s in ctx["speakers"]],
        "mentions": [person(lookup.speaker(s), site, lookup) for s in ctx["also_mentioned"]],
    }
    if b.summary:
        out["description"] = text_of(b.summary, site.allow_html)
    if b.source and safe_url(b.source.url):  # as on the page: a javascript: URL is not linked anywhere
        out["isBasedOn"] = b.source.url
    docs = dict.fromkeys(a.provision.split("/")[0] for a in b.annotations if a.provision)
    if docs:
        out["citation"] = [legislation(lookup.document(d), f"{site.base_url}documents/{d}/", site,
                                       with_context=False) for d in docs]
    corrections = [a for a in b.annotations if a.kind == "correction"]
    if corrections:
        out["correction"] = [{"@type": "CorrectionComment", "url": f"{url}#{a.id}",
                              "text": text_of(a.note, site.allow_html) or a.quote,
                              "datePublished": b.date.isoformat()} for a in corrections]
    return out


def legislation(d, url: str, site, with_context: bool = True) -> dict:
    """Describe a document and its provisions."""
    out = {"@type": "Legislation", "name": d.title, "url": url}
    if with_context:
        out = {"@context": "https://schema.org", **out}
        out["hasPart"] = [{"@type": "Legislation", "name": p.label, "url": f"{url}#{p.id}"}
                          for p in d.provisions]
    if d.issuer:
        out["legislationPassedBy"] = {"@type": "Organization", "name": d.issuer}
    if d.date:
        out["legislationDate"] = d.date.isoformat()
    if safe_url(d.url):
        out["sameAs"] = d.url
    return out
