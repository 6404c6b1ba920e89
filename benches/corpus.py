"""Generate a deterministic briefings corpus for benchmarks: N articles of about 800 words.

Each article has headings, paragraphs, a list per section, links, emphasis and strong text, and
names two speakers (one by an alias); its sidecar has a summary, two topics and 10 annotations of
every kind, one overlapping another and one nested inside another. The site has 50 speakers,
5 documents of 20 provisions each and 20 topics.

Words come from a fixed vocabulary of 4,000 made-up words drawn with Zipf frequencies, as in real
text; a short marker that is unique within its article (not across articles) keeps every quote
unambiguous. Briefing i is the same whatever N is, so a smaller corpus is a prefix of a larger one.

Usage: python benches/corpus.py N OUT_DIR   (writes OUT_DIR/content)
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import sys
from pathlib import Path

SEED = 7
SPEAKERS, DOCUMENTS, PROVISIONS, TOPICS = 50, 5, 20, 20
FIRST = "Ana Ben Cora Dan Eva Finn Gia Hal Ida Jon".split()
LAST = "Berg Costa Dahl Ek Falk Gray Holm Ivers Juhl Krag".split()
KINDS = ("provision", "statement", "note", "correction")
MARKER_AT = 6
"""Index of the marker word in an annotated sentence; every quote window covers it."""


def vocabulary(size: int = 4000) -> tuple[list[str], list[float]]:
    """Return made-up words and their cumulative Zipf weights (rank r has weight 1/(r+3))."""
    rng = random.Random(SEED)
    syllables = [c + v for c in "bcdfghklmnprstvz" for v in "aeiou"] + ["an", "el", "is", "on", "ur"]
    words: dict[str, None] = {}
    while len(words) < size:
        words.setdefault("".join(rng.choice(syllables) for _ in range(rng.choice((1, 2, 2, 3, 3, 4)))))
    return list(words), list(itertools.accumulate(1 / (r + 3) for r in range(size)))


WORDS, WEIGHTS = vocabulary()


def speaker_name(i: int) -> str:
    """Return the unique name of speaker i."""
    return f"{FIRST[i % 10]} {LAST[(i // 10 + i) % 10]}-{chr(97 + i // 10)}"


def words(rng: random.Random, n: int) -> list[str]:
    """Return n words drawn with Zipf frequencies."""
    return rng.choices(WORDS, cum_weights=WEIGHTS, k=n)


def sentence(rng: random.Random, marker: str, n: int = 15) -> list[str]:
    """Return the words of a sentence with a marker at MARKER_AT."""
    out = words(rng, n)
    out.insert(MARKER_AT, marker)
    return out


def article(rng: random.Random, names: list[str]) -> tuple[str, list[list[str]]]:
    """Return an article body and the sentences (as word lists) that annotations may quote."""
    quotable, parts = [], []
    for section in range(4):
        parts.append("## " + " ".join(words(rng, 4)).capitalize() + "\n")
        for p in range(3):
            sents = [sentence(rng, f"m{section}x{p}x{s}") for s in range(4)]
            quotable += sents
            text = [" ".join(s).capitalize() + "." for s in sents]
            text[1] = f"*{text[1]}*"
            if p == 0:
                text[2] = text[2].replace(" ", f" [{words(rng, 1)[0]}](https://example.org/{section}) ", 1)
            if p == 1:
                text[3] = f"{names[section % 2]} said: **{text[3]}**"
            parts.append(" ".join(text) + "\n")
        parts.append("\n".join(f"- {' '.join(words(rng, 8)).capitalize()} l{section}x{k}."
                               for k in range(3)) + "\n")
    return "\n".join(parts), quotable


def annotations(rng: random.Random, quotable: list[list[str]], i: int) -> str:
    """Return the YAML of 10 annotations: every kind, one overlapping, one nested."""
    picks = rng.sample(range(len(quotable)), 8)
    out = []
    for k, idx in enumerate(picks):
        sent = quotable[idx]
        kind = KINDS[k % 4]
        note = f"Note {k} on *briefing {i}*." if k % 3 else f"A plain note {k} on briefing {i}."
        entry = [f'  - quote: "{" ".join(sent[2:9])}"', f"    kind: {kind}", f"    note: {note}"]
        if kind == "provision":
            entry.append(f"    provision: doc-{rng.randrange(DOCUMENTS)}/p-{rng.randrange(PROVISIONS)}")
        if kind == "statement":
            entry.append(f"    speaker: s-{rng.randrange(SPEAKERS)}")
        if k == 0:
            entry.append(f"    id: a{i}-first")
            out.append(f'  - quote: "{" ".join(sent[5:12])}"\n    kind: note\n    note: Overlaps the first.')
            out.append(f'  - quote: "{" ".join(sent[4:8])}"\n    kind: correction\n    note: Nested.')
        out.append("\n".join(entry))
    return "annotations:\n" + "\n".join(out) + "\n"


def briefing(i: int) -> tuple[str, str]:
    """Return the article and the sidecar of briefing i (the same whatever the corpus size)."""
    rng = random.Random(f"{SEED}-{i}")
    said = rng.sample(range(SPEAKERS), 2)
    body, quotable = article(rng, [speaker_name(said[0]), f"Alias{said[1]}"])
    date = dt.date(2015, 1, 1) + dt.timedelta(days=i * 3 // 4)
    topics = ", ".join(f"t-{t}" for t in sorted(rng.sample(range(TOPICS), 2)))
    summary = f"Summary of *briefing {i}*." if i % 2 else f"Summary of briefing {i}."
    sidecar = (f"title: 'Briefing {i}: {' '.join(words(rng, 3))}'\ndate: {date.isoformat()}\n"
               f"source: {{name: Ministry {i % 7}, url: 'https://example.org/source/{i}'}}\n"
               f"summary: {summary}\ntopics: [{topics}]\n" + annotations(rng, quotable, i))
    return body, sidecar


def write(n: int, out: Path) -> Path:
    """Write a corpus of n briefings into out/content and return that folder."""
    content = out / "content"
    for sub in ("briefings", "speakers", "documents", "topics"):
        (content / sub).mkdir(parents=True, exist_ok=True)
    (content / "site.yml").write_text("title: Bench\nbase_url: https://example.org/bench/\n")
    for i in range(SPEAKERS):
        (content / f"speakers/s-{i}.yml").write_text(
            f"name: {speaker_name(i)}\nrole: Role {i}\naliases: [Alias{i}]\n")
    for d in range(DOCUMENTS):
        provs = "".join(f"  - id: p-{p}\n    label: Article {p}\n    text: Provision {p} text.\n"
                        for p in range(PROVISIONS))
        (content / f"documents/doc-{d}.yml").write_text(f"title: Document {d}\nprovisions:\n{provs}")
    for t in range(TOPICS):
        (content / f"topics/t-{t}.yml").write_text(f"title: Topic {t}\n")
    for i in range(n):
        body, sidecar = briefing(i)
        (content / f"briefings/b-{i}.md").write_text(body)
        (content / f"briefings/b-{i}.yml").write_text(sidecar)
    return content


if __name__ == "__main__":
    write(int(sys.argv[1]), Path(sys.argv[2]))
