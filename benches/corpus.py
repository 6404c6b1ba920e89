"""Generate a deterministic briefings corpus for benchmarks: N articles of about 800 words.

Each article has headings, lists, links and emphasis, and 10 annotations of every kind, some
overlapping; the site has 50 speakers, 5 documents of 20 provisions and 20 topics.
Usage: python benches/corpus.py N OUT_DIR
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from pathlib import Path

WORDS = ("council measure border treaty security framework review delegation protocol dispute "
         "reform budget mandate region observer mission vote summit clause agency report policy "
         "fisheries quota harbour vessel coast inspection licence permit tariff grant scheme").split()
FIRST = "Ana Ben Cora Dan Eva Finn Gia Hal Ida Jon".split()
LAST = "Berg Costa Dahl Ek Falk Gray Holm Ivers Juhl Krag".split()
SPEAKERS = [(f"{FIRST[i % 10]} {LAST[i // 10 % 10]}{'' if i < 10 else ''}", i) for i in range(50)]


def speaker_name(i: int) -> str:
    """Return the unique name of speaker i."""
    return f"{FIRST[i % 10]} {LAST[(i // 10 + i) % 10]}-{chr(97 + i // 10)}"


def sentence(rng: random.Random, marker: str, n: int = 14) -> str:
    """Return a sentence of n words carrying a unique marker."""
    words = [rng.choice(WORDS) for _ in range(n)]
    words.insert(rng.randrange(2, n - 2), marker)
    return " ".join(words).capitalize() + "."


def article(rng: random.Random, i: int) -> tuple[str, list[str]]:
    """Return an article body and the sentences that annotations may quote."""
    quotable, parts = [], []
    for section in range(4):
        parts.append(f"## Section {section + 1} of briefing {i}\n")
        for p in range(3):
            sents = [sentence(rng, f"m{i}x{section}x{p}x{s}") for s in range(4)]
            quotable += sents
            sents[1] = f"*{sents[1]}*"
            sents[2] = sents[2].replace(" ", " [link](https://example.org/) ", 1) if p == 0 else sents[2]
            parts.append(" ".join(sents) + "\n")
        parts.append("\n".join(f"- {sentence(rng, f'l{i}x{section}x{k}', 8)}" for k in range(3)) + "\n")
    name = speaker_name(rng.randrange(50))
    parts.append(f"{name} closed the briefing with **{sentence(rng, f'c{i}')}**\n")
    return "\n".join(parts), quotable


def annotations(rng: random.Random, quotable: list[str], i: int) -> str:
    """Return the YAML of 10 annotations, every kind, two of them overlapping."""
    picks = rng.sample(range(len(quotable)), 9)
    out = []
    for k, idx in enumerate(picks):
        words = quotable[idx].rstrip(".").split()
        quote = " ".join(words[2:9])
        kind = ("provision", "statement", "note", "correction")[k % 4]
        entry = [f"  - quote: \"{quote}\"", f"    kind: {kind}", f"    note: Note {k} on *briefing {i}*."]
        if kind == "provision":
            entry.append(f"    provision: doc-{rng.randrange(5)}/p-{rng.randrange(20)}")
        if kind == "statement":
            entry.append(f"    speaker: s-{rng.randrange(50)}")
        if k == 0:
            entry.append(f"    id: a{i}-first")
            overlap = " ".join(words[5:12])
            out.append("\n".join([f"  - quote: \"{overlap}\"", "    kind: note", "    note: Overlaps."]))
        out.append("\n".join(entry))
    return "annotations:\n" + "\n".join(out) + "\n"


def write(n: int, out: Path, seed: int = 7) -> Path:
    """Write a corpus of n briefings into out/content and return that folder."""
    rng = random.Random(seed)
    content = out / "content"
    for sub in ("briefings", "speakers", "documents", "topics"):
        (content / sub).mkdir(parents=True, exist_ok=True)
    (content / "site.yml").write_text("title: Bench\nbase_url: https://example.org/bench/\n")
    for i in range(50):
        (content / f"speakers/s-{i}.yml").write_text(
            f"name: {speaker_name(i)}\nrole: Role {i}\naliases: [Alias{i}]\n")
    for d in range(5):
        provs = "".join(f"  - id: p-{p}\n    label: Article {p}\n    text: Provision {p} text.\n"
                        for p in range(20))
        (content / f"documents/doc-{d}.yml").write_text(f"title: Document {d}\nprovisions:\n{provs}")
    for t in range(20):
        (content / f"topics/t-{t}.yml").write_text(f"title: Topic {t}\n")
    start = dt.date(2015, 1, 1)
    for i in range(n):
        body, quotable = article(rng, i)
        date = start + dt.timedelta(days=i * 3 // 4)
        topics = ", ".join(f"t-{t}" for t in sorted(rng.sample(range(20), 2)))
        (content / f"briefings/b-{i}.md").write_text(body)
        (content / f"briefings/b-{i}.yml").write_text(
            f"title: Briefing {i}\ndate: {date.isoformat()}\nsummary: Summary of briefing {i}.\n"
            f"topics: [{topics}]\n" + annotations(rng, quotable, i))
    return content


if __name__ == "__main__":
    write(int(sys.argv[1]), Path(sys.argv[2]))
