"""An article's text cut into runs for the article view: each run a stretch of
text with the marks over it (a claim's source, cue, content; a hedge; a direct
quote; a time or place chip). The template escapes every run; nothing here
makes markup, so article text can never become HTML.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

# marks in the order their class names are written; a later one wins the run's title
KINDS = ("content", "source", "cue", "quote", "hedge", "time", "place")


@dataclass
class Run:
    text: str
    marks: list[str] = field(default_factory=list)
    claim: str | None = None  # the claim the run belongs to (the first one, where claims overlap)
    title: str | None = None  # what a chip stands for: a TIMEX3 value, a place's coordinates

    @property
    def classes(self) -> str:
        return " ".join(f"m-{m}" for m in self.marks)


def _spans(analysis: dict) -> list[tuple[int, int, str, str | None, str | None]]:
    """(start, end, kind, claim id, title) for everything marked."""
    out = []
    for c in analysis.get("claims", []):
        direct = c.get("kind") == "direct"
        for part in ("source", "cue", "content"):
            span = c.get(part)
            if span:
                out.append((span["start"], span["end"], part, c["id"], None))
        if direct and c.get("content"):
            out.append((c["content"]["start"], c["content"]["end"], "quote", c["id"], None))
        for h in c.get("hedges", []):
            out.append((h["start"], h["end"], "hedge", c["id"], "hedge"))
    for h in analysis.get("hedges", []):
        out.append((h["start"], h["end"], "hedge", h.get("claim"), "hedge"))
    for tm in analysis.get("times", []):
        out.append((tm["start"], tm["end"], "time", None, tm.get("value") or tm.get("type")))
    for e in analysis.get("entities", []):
        geo = e.get("geo")
        if not geo:
            continue
        where = f"{e['name']} ({geo['lat']:.2f}, {geo['lon']:.2f})"
        for m in e.get("mentions", []):
            if m.get("kind", "name") == "name":
                out.append((m["start"], m["end"], "place", None, where))
    n = len(analysis.get("text", ""))
    return [s for s in out if 0 <= s[0] < s[1] <= n]


def runs(analysis: dict, start: int, end: int, spans=None) -> list[Run]:
    """The runs of text[start:end]: cut at every mark boundary inside it."""
    text = analysis["text"]
    spans = _spans(analysis) if spans is None else spans
    inside = [s for s in spans if s[0] < end and s[1] > start]
    cuts = sorted({start, end, *(max(start, s[0]) for s in inside), *(min(end, s[1]) for s in inside)})
    out = []
    for lo, hi in itertools.pairwise(cuts):
        over = [s for s in inside if s[0] <= lo and s[1] >= hi]
        marks = sorted({s[2] for s in over}, key=KINDS.index)
        claim = next((s[3] for s in over if s[3] and s[2] in ("source", "cue", "content")), None)
        title = next((s[4] for s in reversed(over) if s[4]), None)
        out.append(Run(text[lo:hi], marks, claim, title))
    return out


def blocks(analysis: dict) -> list[dict]:
    """Paragraphs (headings flagged) as lists of runs; the whole text as one
    paragraph when the analysis lists none."""
    text = analysis.get("text", "")
    paragraphs = analysis.get("paragraphs") or [{"start": 0, "end": len(text), "heading": False}]
    spans = _spans(analysis)
    return [
        {"heading": bool(p.get("heading")), "runs": runs(analysis, p["start"], p["end"], spans)} for p in paragraphs
    ]
