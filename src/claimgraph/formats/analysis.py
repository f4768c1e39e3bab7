"""An analysis as Markdown or as a Rich report (JSON is the model's own `to_json`).

Both print what an article says, so both pass it through `printable` (no
terminal escapes) and the report gives Rich its text as `Text`, never as
markup (a "[bold]" in a title is text, not a style)."""

from __future__ import annotations

from collections import defaultdict

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from claimgraph.formats.terminal import printable
from claimgraph.model import Analysis, Claim
from claimgraph.text.negation import negation_before

STATUS_STYLE = {"asserted": "white", "reported": "cyan", "speculated": "yellow", "denied": "red"}


def source_label(analysis: Analysis, claim: Claim) -> str:
    """Who makes the claim, by entity name where it is resolved."""
    if claim.source is None:
        return "(no source named)"
    if claim.source.entity:
        entity = next((e for e in analysis.entities if e.id == claim.source.entity), None)
        if entity is not None:
            return entity.name
    return claim.source.text


def cue_text(analysis: Analysis, claim: Claim) -> str:
    """The cue as the text has it, with a negation that governs it ("did not
    confirm", "never said"): the negation is part of what the claim says."""
    if claim.cue is None:
        return ""
    return negation_before(analysis.text, claim.cue.start) + claim.cue.text


def claims_by_source(analysis: Analysis) -> dict[str, list[Claim]]:
    groups: dict[str, list[Claim]] = defaultdict(list)
    for claim in analysis.claims:
        groups[source_label(analysis, claim)].append(claim)
    return dict(groups)


def summary_line(analysis: Analysis) -> str:
    counts = defaultdict(int)
    for c in analysis.claims:
        counts[c.status] += 1
    statuses = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
    return (
        f"{len(analysis.claims)} claims ({statuses or 'none'}) from "
        f"{len(claims_by_source(analysis))} sources; {len(analysis.entities)} entities, "
        f"{len(analysis.hedges)} hedges, {len(analysis.times)} times, {len(analysis.events)} events, "
        f"{len(analysis.relations)} relations"
    )


def to_markdown(analysis: Analysis) -> str:
    lines = [f"# {analysis.title or analysis.id or 'Analysis'}", ""]
    if analysis.published:
        lines += [f"Published {analysis.published.isoformat()}.", ""]
    lines += ["## Claims by source", ""]
    for source, claims in claims_by_source(analysis).items():
        lines.append(f"### {source}")
        lines.append("")
        for c in claims:
            hedges = f"; hedges: {', '.join(h.text for h in c.hedges)}" if c.hedges else ""
            cue = f" — cue “{cue_text(analysis, c)}”" if c.cue else ""
            lines.append(f"- **{c.status}** ({c.kind}{hedges}){cue}: {c.content.text}")
        lines.append("")
    if analysis.relations:
        lines += ["## Relations", ""]
        lines += [f"- {r.a} {r.type} {r.b}: {r.reason}" for r in analysis.relations]
        lines.append("")
    lines += ["## Entities", "", "| entity | type | also called | mentions |", "| --- | --- | --- | --- |"]
    for e in analysis.entities:
        aliases = ", ".join(e.aliases) or "—"
        lines.append(f"| {e.name} | {e.type} | {aliases} | {len(e.mentions)} |")
    lines += ["", f"_{summary_line(analysis)}_", ""]
    return printable("\n".join(lines))


def _text(text: str, style: str = "") -> Text:
    return Text(printable(text), style=style)


def print_pretty(analysis: Analysis, console: Console) -> None:
    title = _text(analysis.title or analysis.id or "Analysis")
    parts = []
    for source, claims in claims_by_source(analysis).items():
        table = Table(show_header=False, box=None, padding=(0, 1), expand=True)
        table.add_column("status", no_wrap=True, width=11)
        table.add_column("claim", ratio=1)
        for c in claims:
            line = Text()
            if c.cue:
                line.append_text(_text(f"{cue_text(analysis, c)}: ", "bold"))
            line.append_text(_text(c.content.text))
            notes = [c.kind] + [f"hedge “{h.text}”" for h in c.hedges]
            line.append_text(_text(f"  [{'; '.join(notes)}]", "dim"))
            table.add_row(_text(c.status, STATUS_STYLE.get(c.status, "white")), line)
        parts.append(Panel(table, title=_text(source), title_align="left", border_style="blue"))
    for r in analysis.relations:
        parts.append(_text(f"{r.a} {r.type} {r.b}: {r.reason}", "magenta"))
    entities = Table(title="Entities", expand=True)
    for col in ("entity", "type", "also called", "mentions"):
        entities.add_column(col)
    for e in analysis.entities:
        entities.add_row(_text(e.name), _text(e.type), _text(", ".join(e.aliases)), str(len(e.mentions)))
    parts += [entities, _text(summary_line(analysis), "bold")]
    console.print(Panel(Group(*parts), title=title, border_style="green"))
