"""What the commands print: error lines, analyses in every format, rows of
claims and tables of counts. Standard output carries results; standard error
carries `claimgraph: error: ...` lines and progress. Whatever reaches a
terminal as text (pretty, Markdown, tables, messages) goes through
`formats.terminal.printable` first: article text is a stranger's."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING

from claimgraph.formats.terminal import printable

if TYPE_CHECKING:  # the analysis stack loads only for `analyze`
    from claimgraph.analyse.batch import Result

EXIT_OK = 0
MISSING = "—"  # what a value the ledger does not have prints as


def fail(message: str) -> None:
    say(f"error: {message}")


def say(message: str) -> None:
    """One `claimgraph: ...` line on standard error."""
    print(printable(f"claimgraph: {message}"), file=sys.stderr)


def write_analyses(results: Iterable[Result], fmt: str, events_style: str = "plover") -> int:
    """Each result as it comes (jsonl, markdown, pretty) or all at the end
    (json, events-csv); a failed one is an error line. Returns the worst exit code."""
    from claimgraph.formats import analysis as formats
    from claimgraph.model import Analysis

    exit_code = EXIT_OK
    collected: list[str] = []
    console = None
    first = True
    for result in results:
        if result.error is not None:
            fail(result.error)
            exit_code = max(exit_code, result.exit_code)
            continue
        if fmt == "jsonl":
            sys.stdout.write(result.json + "\n")
            sys.stdout.flush()
            continue
        if fmt in ("json", "events-csv"):
            collected.append(result.json)
            continue
        analysis = Analysis.model_validate_json(result.json)
        if fmt == "markdown":
            sys.stdout.write(("" if first else "\n---\n\n") + formats.to_markdown(analysis))
        else:
            from rich.console import Console

            console = console or Console()
            formats.print_pretty(analysis, console)
        first = False
    if fmt == "events-csv":
        from claimgraph.formats.events_csv import to_events_csv

        sys.stdout.write(to_events_csv([Analysis.model_validate_json(j) for j in collected], events_style))
    if fmt == "json" and collected:
        docs = [json.loads(doc) for doc in collected]
        sys.stdout.write(json.dumps(docs[0] if len(docs) == 1 else docs, ensure_ascii=False, indent=2) + "\n")
    return exit_code


def table(counts: dict, fmt: str | None) -> int:
    """Counts as JSON, or one aligned line each on a terminal."""
    if (fmt or ("pretty" if sys.stdout.isatty() else "json")) == "json":
        print(json.dumps(counts, ensure_ascii=False, indent=2))
        return EXIT_OK
    for key, value in counts.items():
        if key == "top_publishers":
            value = ", ".join(f"{p['publisher']} ({p['articles']})" for p in value) or None
        print(printable(f"{key.replace('_', ' '):>30}  {MISSING if value is None else value}"))
    return EXIT_OK


SHOWN_CONTRADICTIONS = 3  # per claim on a terminal; JSON carries every one read


def article_label(r: dict) -> str:
    """An article as its user knows it: publisher, title, URL and input id,
    whichever it has; the ledger's row number only when it has none of them."""
    parts = [r.get("publisher"), r.get("title") and f"“{r['title']}”", r.get("url")]
    if r.get("input_id"):
        parts.append(f"id {r['input_id']}")
    named = " · ".join(p for p in parts if p)
    return named or f"article {r['article_id']}"


def rows(found: list[dict], fmt: str | None, timeline: bool = False, empty: str = "no claims match") -> None:
    """Claims as JSON, JSON Lines, or two lines each on a terminal (with the
    other articles of each cluster under it for a timeline). Nothing found is
    said: `empty` on the terminal, or on standard error beside JSON."""
    from claimgraph.store.export import json_line, plain_value

    fmt = fmt or ("pretty" if sys.stdout.isatty() else "jsonl")
    if not found and fmt != "pretty":
        say(empty)
    if fmt == "json":
        print(json.dumps([{k: plain_value(v) for k, v in r.items()} for r in found], ensure_ascii=False, indent=2))
        return
    if fmt == "jsonl":
        for r in found:
            sys.stdout.write(json_line(r))
        return
    from rich.console import Console
    from rich.markup import escape

    def text(value: object) -> str:
        return escape(printable(str(value)))

    def where(r: dict) -> str:
        return text(article_label(r))

    def same(other: dict, r: dict) -> bool:
        return other["article_id"] == r["article_id"]

    console = Console()
    if not found:
        console.print(printable(empty), style="dim", markup=False, highlight=False)
    for r in found:
        when = r["published"].isoformat() if r["published"] else "undated   "
        mark = " [bold red]contradicted[/]" if r.get("contradicted") else ""
        spread = ""
        if r.get("cluster_articles") and r["cluster_articles"] > 1:
            spread = f" [dim]({r['cluster_articles']} articles, {r['cluster_independent']} independent)[/]"
        console.print(
            f"[cyan]{when}[/] [bold]{text(r['source'] or 'unattributed')}[/] {text(r['cue'] or '')}: "
            f"{text(r['content'])} [dim]{text(r['status'])}[/]{mark}{spread}",
            highlight=False,
        )
        console.print(f"           [dim]{where(r)}[/]", highlight=False)
        for other in r.get("contradicted_by", [])[:SHOWN_CONTRADICTIONS]:
            console.print(
                f"           [red]contradicted by[/] [bold]{text(other['source'] or 'unattributed')}[/]: "
                f"{text(other['content'])} [dim]({'same article' if same(other, r) else where(other)})[/]",
                highlight=False,
            )
            console.print(f"             [dim]why: {text(other['reason'])}[/]", highlight=False)
        if timeline:
            for other in r.get("also", []):
                console.print(
                    f"           [dim]also: {where(other)} ({text(other['source'] or 'unattributed')})[/]",
                    highlight=False,
                )
