"""The content model: frozen dataclasses that every stage reads and none mutates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields

from .errors import ContentError

KINDS = ("provision", "statement", "note", "correction")


BODY = {"part": "body"}
"""Field metadata: a briefing's text, which only its own page shows (other pages show its outline)."""
EACH = {"part": "each annotation"}
"""Field metadata: one entry per annotation - a page reading one entry reads that annotation alone."""


def marked(cls, part: dict) -> frozenset[str]:
    """Return the names of a model class's fields marked with BODY or EACH."""
    return frozenset(f.name for f in fields(cls) if f.metadata.get("part") == part["part"])


def reads(*parts: str):
    """Mark a template helper with what it reads of the briefing it is asked about, so that the
    engine can tell which pages an edit affects: "annotation" (asked with slug and annotation id:
    that annotation), "outline" (asked with a slug: what of the briefing's outline is no single
    annotation's - title, date, the list of annotations), "briefing" (returns the briefing or its
    article, whose fields are then tracked as pages read them) or "shared" (only speakers,
    documents, topics and settings, which every page depends on). An unmarked helper counts as
    reading every briefing: a helper that forgets its mark makes pages render more, never stale."""
    def mark(fn):
        fn.reads = parts
        return fn
    return mark


@dataclass(frozen=True)
class Where:
    """A position in a source file, for error messages."""

    path: str
    """File path as the user wrote it (relative to the working folder when possible)."""
    line: int = 1
    """1-based line."""
    column: int = 1
    """1-based column."""

    def error(self, message: str) -> ContentError:
        """Return a ContentError located here."""
        return ContentError(self.path, self.line, self.column, message)


@dataclass(frozen=True)
class SiteConfig:
    """Settings from content/site.yml."""

    title: str
    """Site title, shown in every page header."""
    description: str = ""
    """One-sentence description for the home page and feeds."""
    base_url: str = "/"
    """Absolute URL the site is published at, ending in a slash."""
    language: str = "en"
    """BCP 47 language tag of the content."""
    author: str = ""
    """Default author or publisher name."""
    allow_html: bool = False
    """Whether raw HTML in Markdown passes through (escaped otherwise)."""
    cname: str = ""
    """Custom domain for GitHub Pages (written to CNAME)."""
    page_size: int = 50
    """Entries per page on paginated listings."""
    where: Where = field(default=Where("site.yml"), compare=False)
    """Where the settings were read from."""


@dataclass(frozen=True)
class Source:
    """Where a briefing's original text comes from."""

    name: str
    """Human-readable name of the source."""
    url: str = ""
    """Link to the original, if any."""


@dataclass(frozen=True)
class Annotation:
    """One highlighted quote in a briefing with what the editor says about it."""

    id: str
    """Stable id, explicit or derived from the quote; the highlight's fragment."""
    quote: str
    """The exact text the reader sees, that the annotation highlights."""
    kind: str
    """One of KINDS."""
    note: str = ""
    """Markdown note shown beside the highlight."""
    speaker: str = ""
    """Speaker id (required for statements)."""
    provision: str = ""
    """'document-id/provision-id' (required for provisions)."""
    prefix: str = ""
    """Text just before the quote, to choose between matches."""
    suffix: str = ""
    """Text just after the quote, to choose between matches."""
    occurrence: int = 0
    """1-based match number to choose between matches; 0 means unset."""
    where: Where = field(default=Where("?"), compare=False)
    """Position of the annotation's mapping in the sidecar."""
    quote_where: Where = field(default=Where("?"), compare=False)
    """Position of the quote value in the sidecar."""
    wheres: dict[str, Where] = field(default_factory=dict, compare=False, hash=False)
    """Position of each field's value in the sidecar."""

    def at(self, key: str) -> Where:
        """Return the position of a field's value, or of the annotation when it is absent."""
        return self.wheres.get(key, self.where)


@dataclass(frozen=True)
class Briefing:
    """One annotated article: Markdown body plus its YAML sidecar."""

    slug: str
    """URL slug: the file stem."""
    title: str
    """Headline."""
    date: dt.date
    """Date of the briefing (never the build clock)."""
    body: str = field(metadata=BODY)
    """Markdown source of the article, newlines normalised."""
    md_path: str
    """Path of the Markdown file."""
    yml_path: str
    """Path of the sidecar."""
    source: Source | None = None
    """The original's name and URL."""
    summary: str = ""
    """Markdown summary."""
    topics: tuple[str, ...] = ()
    """Topic ids."""
    annotations: tuple[Annotation, ...] = field(default=(), metadata=EACH)
    """Annotations in sidecar order."""
    topic_wheres: tuple[Where, ...] = field(default=(), compare=False)
    """Position of each topic id, parallel to topics."""


@dataclass(frozen=True)
class Speaker:
    """A person whose statements and mentions are collected."""

    id: str
    """Id: the file stem."""
    name: str
    """Display name."""
    role: str = ""
    """Role or title."""
    organization: str = ""
    """Organisation."""
    aliases: tuple[str, ...] = ()
    """Other names the person is mentioned by, in any script."""
    bio: str = ""
    """Markdown biography."""
    path: str = ""
    """Path of the speaker file."""


@dataclass(frozen=True)
class Provision:
    """One citable part of a document (an article, a clause)."""

    id: str
    """Id, unique within the document; the fragment on the document page."""
    label: str
    """Short label such as 'Article 22'."""
    text: str = ""
    """Markdown text of the provision."""


@dataclass(frozen=True)
class Document:
    """A document whose provisions briefings cite."""

    id: str
    """Id: the file stem."""
    title: str
    """Title."""
    issuer: str = ""
    """Who issued it."""
    date: dt.date | None = None
    """Date of the document."""
    url: str = ""
    """Link to the official text."""
    provisions: tuple[Provision, ...] = ()
    """Provisions in document order."""
    path: str = ""
    """Path of the document file."""


@dataclass(frozen=True)
class Topic:
    """A subject that groups briefings."""

    id: str
    """Id: the file stem, or the id used in sidecars."""
    title: str
    """Display title (derived from the id when there is no topic file)."""
    description: str = ""
    """Markdown description."""
    path: str = ""
    """Path of the topic file, empty for derived topics."""


@dataclass(frozen=True)
class Content:
    """Everything loaded from the content folder, validated."""

    site: SiteConfig
    """Site settings."""
    briefings: tuple[Briefing, ...]
    """Briefings, oldest first (date, then slug)."""
    speakers: dict[str, Speaker]
    """Speakers by id, in id order."""
    documents: dict[str, Document]
    """Documents by id, in id order."""
    topics: dict[str, Topic]
    """Topics by id (files and ids used in sidecars), in id order."""


@dataclass(frozen=True)
class Article:
    """A briefing body rendered to HTML with its annotations anchored."""

    slug: str
    """Briefing slug."""
    text: str = field(metadata=BODY)
    """Visible text of the body (what a reader sees), blocks separated by newlines."""
    spans: dict[str, tuple[int, int]] = field(metadata=BODY)
    """Annotation id -> [start, end) of its match in text."""
    notes: dict[str, str] = field(metadata=EACH)
    """Annotation id -> rendered note HTML."""
    chunks: tuple[tuple[str, tuple[str, ...]], ...] = field(metadata=BODY)
    """Body HTML in slices, each followed by the ids of the notes placed after it."""
    summary_html: str = ""
    """Rendered summary."""
    mentioned: tuple[str, ...] = ()
    """Ids of the speakers named in the body (name or alias, whole words)."""
    blocks: dict[str, int] = field(default_factory=dict)
    """Annotation id -> the number of the block (paragraph, list item, heading...) its note follows:
    annotations in one block are said together (the index pairs statements with provisions by it)."""

    @property
    def html(self) -> str:
        """Return the body HTML without notes."""
        return "".join(chunk for chunk, _ in self.chunks)
