"""Stage 1: read the content folder into a validated Content model, reporting every error."""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import ContentError
from ..model import (KINDS, Annotation, Briefing, Content, Document, Provision, SiteConfig, Source, Speaker,
                     Topic, Where)
from .files import check_stem, list_files, no_content, one_per_id, pair_briefings, refused_link, shown
from .ids import clashes, derive_id
from .settings import base_url_problem, host_problem, language_problem
from .textfile import article_problems, read_text
from .yamlschema import Checker, Field, ListOf, compose

SITE = {
    "title": Field("str", True), "description": Field("str"), "base_url": Field("str"),
    "language": Field("str"), "author": Field("str"), "allow_html": Field("bool"),
    "cname": Field("str"), "page_size": Field("int"),
}
ANNOTATION = {
    "quote": Field("str", True), "kind": Field("str"), "id": Field("id"), "note": Field("str"),
    "speaker": Field("id"), "provision": Field("str"), "prefix": Field("str"),
    "suffix": Field("str"), "occurrence": Field("int"),
}
SIDECAR = {
    "title": Field("str", True), "date": Field("date", True),
    "source": Field({"name": Field("str", True), "url": Field("str")}),
    "summary": Field("str"), "topics": Field(ListOf("id")), "annotations": Field(ListOf(ANNOTATION)),
}
SPEAKER = {
    "name": Field("str", True), "role": Field("str"), "organization": Field("str"),
    "aliases": Field(ListOf("str")), "bio": Field("str"),
}
PROVISION = {"id": Field("id", True), "label": Field("str", True), "text": Field("str")}
DOCUMENT = {
    "title": Field("str", True), "issuer": Field("str"), "date": Field("date"),
    "url": Field("str"), "provisions": Field(ListOf(PROVISION)),
}
TOPIC = {"title": Field("str"), "description": Field("str")}


@dataclass(frozen=True)
class Shared:
    """Everything in the content folder except the briefings: what each briefing is checked against."""

    site: SiteConfig
    """Settings from site.yml."""
    files: dict[str, list[Path]]
    """Section name -> its files."""
    speakers: dict[str, Speaker]
    """Speakers by id."""
    documents: dict[str, Document]
    """Documents by id."""
    topic_files: dict[str, Topic]
    """Topics that have a file, by id."""


def load(content_dir: Path, errors: list[ContentError]) -> Content:
    """Read and validate the whole content folder, adding every error found to errors."""
    shared = read_shared(content_dir, errors)
    briefings = [b for slug, md, yml in pair_briefings(shared.files.get("briefings", []), errors)
                 if (b := read_pair(slug, md, yml, shared, errors))]
    return assemble(shared, briefings)


def read_shared(content_dir: Path, errors: list[ContentError],
                files: dict[str, list[Path]] | None = None) -> Shared:
    """Read site.yml, the speakers, documents and topics, and list every content file (unless
    files holds a listing made without errors already)."""
    if not content_dir.is_dir():
        errors.append(ContentError(shown(content_dir), 1, 1, no_content(content_dir)))
        return Shared(SiteConfig(title=""), {}, {}, {}, {})
    site = read_site(content_dir, errors)
    files = list_files(content_dir, errors) if files is None else files
    speakers = {s.id: s for p in one_per_id(files, "speakers", errors) if (s := read_speaker(p, errors))}
    documents = {d.id: d for p in one_per_id(files, "documents", errors) if (d := read_document(p, errors))}
    topic_files = {t.id: t for p in one_per_id(files, "topics", errors) if (t := read_topic(p, errors))}
    return Shared(site, files, speakers, documents, topic_files)


def read_pair(slug: str, md: Path, yml: Path, shared: Shared, errors: list[ContentError],
              broken: set[str] | None = None) -> Briefing | None:
    """Read one briefing's files and check the ids it uses (broken: unusable(shared), if made already)."""
    b = read_briefing(slug, md, yml, errors)
    if b:
        broken = unusable(shared) if broken is None else broken
        check_references(b, shared.speakers, shared.documents, errors, broken)
    return b


def unusable(shared: Shared) -> set[str]:
    """Return ids of speaker and document files that failed to load (their errors are reported)."""
    stems = {p.stem for section in ("speakers", "documents") for p in shared.files.get(section, [])}
    return stems - shared.speakers.keys() - shared.documents.keys()


def assemble(shared: Shared, briefings: list[Briefing]) -> Content:
    """Put the shared content and the briefings together, in the model's order."""
    return Content(site=shared.site, briefings=tuple(sorted(briefings, key=lambda b: (b.date, b.slug))),
                   speakers=dict(sorted(shared.speakers.items())),
                   documents=dict(sorted(shared.documents.items())),
                   topics=collect_topics(shared.topic_files, briefings))


def read_yaml(path: Path, schema: dict, what: str, errors: list[ContentError], text: str | None = None) -> dict | None:
    """Read one YAML file (or take its text) and check it against a schema; None when it cannot be used."""
    name = shown(path)
    try:
        root = compose(read_text(path, name) if text is None else text, name)
    except ContentError as exc:
        errors.append(exc)
        return None
    checker = Checker(name)
    fields = checker.mapping(root, schema, what)
    errors.extend(checker.errors)
    return None if checker.errors else fields


def get(fields: dict, key: str, default=None):
    """Return a checked field's value, or a default when absent."""
    return fields[key][0] if key in fields else default


def read_site(content_dir: Path, errors: list[ContentError]) -> SiteConfig:
    """Read content/site.yml."""
    path = content_dir / "site.yml"
    if (refused := refused_link(path, os.path.realpath(content_dir), "content folder")) is not None:
        errors.append(refused)  # list_files reports it too: raise_all shows the line once
        return SiteConfig(title="")
    if not path.is_file():
        errors.append(ContentError(shown(path), 1, 1, "site.yml is missing; it needs at least 'title'"))
        return SiteConfig(title="")
    f = read_yaml(path, SITE, "site.yml", errors) or {}
    base = get(f, "base_url", "/") or "/"
    page_size = get(f, "page_size", 50)
    if page_size < 1:
        errors.append(f["page_size"][1].error("'page_size' must be at least 1"))
    for key, problem in (("base_url", base_url_problem), ("language", language_problem), ("cname", host_problem)):
        if get(f, key) and (why := problem(get(f, key))):
            errors.append(f[key][1].error(why))
    return SiteConfig(
        title=get(f, "title", ""), description=get(f, "description", ""),
        base_url=base if base.endswith("/") else base + "/", language=get(f, "language", "") or "en",
        author=get(f, "author", ""), allow_html=get(f, "allow_html", False), cname=get(f, "cname", ""),
        page_size=max(1, page_size), where=Where(shown(path)))


def read_speaker(path: Path, errors: list[ContentError]) -> Speaker | None:
    """Read one speaker file."""
    if path.suffix != ".yml" or not check_stem(path, errors):
        return None
    f = read_yaml(path, SPEAKER, "speaker", errors)
    if f is None:
        return None
    aliases = tuple(a for a, _ in get(f, "aliases", []) if a.strip())
    return Speaker(id=path.stem, name=get(f, "name"), role=get(f, "role", ""),
                   organization=get(f, "organization", ""), aliases=aliases,
                   bio=get(f, "bio", ""), path=shown(path))


def read_document(path: Path, errors: list[ContentError]) -> Document | None:
    """Read one document file with its provisions."""
    if path.suffix != ".yml" or not check_stem(path, errors):
        return None
    f = read_yaml(path, DOCUMENT, "document", errors)
    if f is None:
        return None
    provisions, seen = [], set()
    for p, at in get(f, "provisions", []):
        pid = p["id"][0]
        if pid in seen:
            errors.append(p["id"][1].error(f"duplicate provision id '{pid}'"))
        seen.add(pid)
        provisions.append(Provision(id=pid, label=p["label"][0], text=get(p, "text", "")))
    return Document(id=path.stem, title=get(f, "title"), issuer=get(f, "issuer", ""),
                    date=get(f, "date"), url=get(f, "url", ""), provisions=tuple(provisions),
                    path=shown(path))


def read_topic(path: Path, errors: list[ContentError]) -> Topic | None:
    """Read one topic file."""
    if path.suffix != ".yml" or not check_stem(path, errors):
        return None
    f = read_yaml(path, TOPIC, "topic", errors)
    if f is None:
        return None
    return Topic(id=path.stem, title=get(f, "title", "") or title_from_id(path.stem),
                 description=get(f, "description", ""), path=shown(path))


def title_from_id(topic_id: str) -> str:
    """Derive a display title from an id: 'arms-control' -> 'Arms control'."""
    return topic_id.replace("-", " ").capitalize()


def collect_topics(files: dict[str, Topic], briefings: list[Briefing]) -> dict[str, Topic]:
    """Return every topic: those with files plus those only used in sidecars."""
    topics = dict(files)
    for b in briefings:
        for t in b.topics:
            if t not in topics:  # not setdefault: it would make a Topic for every use
                topics[t] = Topic(id=t, title=title_from_id(t))
    return dict(sorted(topics.items()))


def read_briefing(slug: str, md: Path, yml: Path, errors: list[ContentError], body: str | None = None,
                  sidecar: str | None = None) -> Briefing | None:
    """Read one article and its sidecar; body and sidecar, when given, are their texts (not read)."""
    try:
        body = read_text(md, shown(md)) if body is None else body
    except ContentError as exc:
        errors.append(exc)
        return None
    if not body.strip():
        errors.append(ContentError(shown(md), 1, 1, "article is empty"))
    errors.extend(article_problems(body, shown(md)))  # the sidecar is still read, for its own errors
    f = read_yaml(yml, SIDECAR, "sidecar", errors, sidecar)
    if f is None or not body.strip():
        return None  # an empty article would only add 'quote not found' for every annotation
    src = get(f, "source")
    annotations = [make_annotation(a, at, errors) for a, at in get(f, "annotations", [])]
    firsts: dict[str, Where] = {}
    for t, w in get(f, "topics", []):
        firsts.setdefault(t, w)
    return Briefing(
        slug=slug, title=get(f, "title"), date=get(f, "date"), body=body, md_path=shown(md),
        yml_path=shown(yml), source=Source(src["name"][0], get(src, "url", "")) if src else None,
        summary=get(f, "summary", ""), topics=tuple(firsts), topic_wheres=tuple(firsts.values()),
        annotations=tuple(a for a in annotations if a))


def make_annotation(f: dict, at: Where, errors: list[ContentError]) -> Annotation | None:
    """Build one annotation from its checked fields, deriving an id when none is given."""
    quote = get(f, "quote", "")
    kind = get(f, "kind", "note")
    ok = True
    if not quote.strip():
        errors.append(f["quote"][1].error("'quote' is empty; it must be the text to highlight"))
        ok = False
    if kind not in KINDS:
        errors.append(f["kind"][1].error(f"unknown kind '{kind}'; use one of: {', '.join(KINDS)}"))
        ok = False
    for key, needed in (("speaker", "statement"), ("provision", "provision")):
        if kind == needed and key not in f:
            errors.append(at.error(f"a {needed} annotation needs '{key}'"))
            ok = False
    occurrence = get(f, "occurrence", 0)
    if "occurrence" in f and occurrence < 1:
        errors.append(f["occurrence"][1].error("'occurrence' counts from 1"))
        ok = False
    if not ok:
        return None
    prefix, suffix = get(f, "prefix", ""), get(f, "suffix", "")
    return Annotation(
        id=get(f, "id") or derive_id(quote, prefix, suffix, occurrence), quote=quote, kind=kind,
        note=get(f, "note", ""), speaker=get(f, "speaker", ""), provision=get(f, "provision", ""),
        prefix=prefix, suffix=suffix, occurrence=occurrence, where=at, quote_where=f["quote"][1],
        wheres={k: w for k, (_, w) in f.items()})


def check_references(b: Briefing, speakers: dict, documents: dict, errors: list[ContentError],
                     broken: set[str] = frozenset()) -> None:
    """Check that every id a briefing uses exists, and that annotation ids are unique and not the theme's.

    Ids in broken name files that exist but failed to load: reported once there, not at every use.
    """
    errors.extend(clashes(b.annotations))
    seen: set[str] = set()
    for a in b.annotations:
        if a.id in seen:
            errors.append(a.at("id").error(f"duplicate annotation id '{a.id}'"))
        seen.add(a.id)
        if a.speaker and a.speaker not in speakers and a.speaker not in broken:
            errors.append(a.at("speaker").error(f"unknown speaker '{a.speaker}'{suggest(a.speaker, speakers)}"))
        if a.provision and a.provision.partition("/")[0] not in broken:
            errors.extend(check_provision(a, documents))


def check_provision(a: Annotation, documents: dict) -> list[ContentError]:
    """Check a 'document-id/provision-id' reference."""
    doc_id, _, prov_id = a.provision.partition("/")
    if doc_id not in documents:
        return [a.at("provision").error(f"unknown document '{doc_id}' in provision '{a.provision}'"
                              f"{suggest(doc_id, documents)}")]
    ids = [p.id for p in documents[doc_id].provisions]
    if prov_id not in ids:
        refs = [f"{doc_id}/{i}" for i in ids]  # suggest the whole reference to write, not half of it
        return [a.at("provision").error(f"unknown provision '{a.provision}'{suggest(a.provision, refs)}"
                              f" (write 'document-id/provision-id')")]
    return []


def suggest(name: str, known) -> str:
    """Return '; did you mean X?' for the closest known name, or nothing."""
    close = difflib.get_close_matches(name, list(known), n=1)
    return f"; did you mean '{close[0]}'?" if close else ""
