"""`claimgraph story --articles`: a story's articles by outlet and time."""

from __future__ import annotations

import itertools
import json
import sys

from claimgraph.cli.output import article_label, say
from claimgraph.formats.terminal import printable


def articles(found: list[dict], fmt: str | None, subject: str) -> None:
    """JSON, JSON Lines, or on a terminal one block per story: a line for each article."""
    from claimgraph.store.export import json_line

    fmt = fmt or ("pretty" if sys.stdout.isatty() else "jsonl")
    if not found:
        say(f"no story for {subject!r}")
    if fmt == "json":
        print(json.dumps(found, ensure_ascii=False, indent=2))
        return
    if fmt == "jsonl":
        for r in found:
            sys.stdout.write(json_line(r))
        return
    for story, members in itertools.groupby(found, key=lambda r: r["story_id"]):
        members = list(members)
        outlets = len({r["publisher"] or r["url"] or r["article_id"] for r in members})
        print(printable(f"story {story}: {len(members)} articles, {outlets} outlets"))
        for r in members:
            print(printable(f"  {r['published'] or 'undated   '}  {article_label(r)}"))
