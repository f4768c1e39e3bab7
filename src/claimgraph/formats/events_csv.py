"""Event exports: a flat table in the column order of PLOVER's JSON records,
and GDELT-like rows (date, actor, event type, target, place, lat, lon, source).

PLOVER's record fields, in its order: id, date, time, source, recipient,
event, event_loc, event_text, quad_code, event_scale, mode, context, link,
text, cite_info. Lists and objects are flattened into columns (the actor's
name and entity id, the place's name and coordinates); claimgraph's own
fields (status, negated, claim, inherited) follow PLOVER's.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from claimgraph.formats.csv_cells import safe_row
from claimgraph.model import Analysis, Entity, Event

CODER = "claimgraph"
PLOVER_COLUMNS = (
    "id",
    "date",
    "time",
    "source",
    "source_id",
    "recipient",
    "recipient_id",
    "event",
    "event_loc",
    "event_loc_id",
    "event_loc_lat",
    "event_loc_lon",
    "event_text",
    "quad_code",
    "event_scale",
    "mode",
    "context",
    "link",
    "text",
    "text_start",
    "text_end",
    "cite_url",
    "cite_title",
    "publication",
    "coder",
    "status",
    "negated",
    "inherited",
)
GDELT_COLUMNS = (
    "date",
    "actor",
    "actor_id",
    "event_type",
    "target",
    "target_id",
    "place",
    "lat",
    "lon",
    "source_article",
)
# PLOVER's quad categories (1 verbal cooperation ... 4 material conflict) and
# "Schrodt scores" on the conflict-cooperation scale; REQUEST is PLOVER's DEMAND.
QUAD = {
    "AGREE": 1,
    "CONSULT": 1,
    "SUPPORT": 1,
    "CONCEDE": 1,
    "COOPERATE": 2,
    "AID": 2,
    "RETREAT": 2,
    "REQUEST": 3,
    "ACCUSE": 3,
    "REJECT": 3,
    "SANCTION": 3,
    "THREATEN": 3,
    "PROTEST": 4,
    "MOBILIZE": 4,
    "COERCE": 4,
    "ASSAULT": 4,
}
SCALE = {
    "ASSAULT": -9.3,
    "COERCE": -7.2,
    "PROTEST": -6.6,
    "MOBILIZE": -5.3,
    "SANCTION": -5.2,
    "THREATEN": -5.1,
    "REQUEST": -5.0,
    "REJECT": -4.2,
    "ACCUSE": -2.0,
    "CONSULT": 2.1,
    "AGREE": 4.2,
    "SUPPORT": 4.6,
    "CONCEDE": 5.0,
    "COOPERATE": 6.8,
    "AID": 7.4,
    "RETREAT": 7.6,
}


def _date(analysis: Analysis, event: Event) -> str:
    """The event's own day where it has one, else the publication date."""
    if event.time and len(event.time) == 10 and event.time[4] == "-":
        return event.time
    return analysis.published.isoformat() if analysis.published else ""


def _context(event: Event) -> str:
    parts = []
    if event.status == "hypothetical":
        parts.append("hypothetical")
    if event.negated:
        parts.append("negation")
    return ";".join(parts)


def _sentence(analysis: Analysis, event: Event) -> tuple[str, int | None, int | None]:
    s = next((s for s in analysis.sentences if s.start <= event.trigger.start < s.end), None)
    return (s.text, s.start, s.end) if s is not None else ("", None, None)


def plover_rows(analysis: Analysis) -> list[dict[str, object]]:
    """One row per event, columns in `PLOVER_COLUMNS` order."""
    ents = {e.id: e for e in analysis.entities}
    rows = []
    for ev in analysis.events:
        place = ents.get(ev.location or "")
        text, start, end = _sentence(analysis, ev)
        rows.append(
            {
                "id": f"{analysis.id}:{ev.id}" if analysis.id else ev.id,
                "date": _date(analysis, ev),
                "time": "",
                "source": _name(ents.get(ev.actor or "")),
                "source_id": ev.actor or "",
                "recipient": _name(ents.get(ev.target or "")),
                "recipient_id": ev.target or "",
                "event": ev.type,
                "event_loc": _name(place),
                "event_loc_id": ev.location or "",
                "event_loc_lat": place.geo.lat if place is not None and place.geo is not None else "",
                "event_loc_lon": place.geo.lon if place is not None and place.geo is not None else "",
                "event_text": ev.trigger.text,
                "quad_code": QUAD.get(ev.type, ""),
                "event_scale": SCALE.get(ev.type, ""),
                "mode": ev.mode or "",
                "context": _context(ev),
                "link": ev.claim or "",
                "text": text,
                "text_start": start if start is not None else "",
                "text_end": end if end is not None else "",
                "cite_url": analysis.url or "",
                "cite_title": analysis.title or "",
                "publication": analysis.publisher or "",
                "coder": CODER,
                "status": ev.status,
                "negated": str(ev.negated).lower(),
                "inherited": ";".join(ev.inherited),
            }
        )
    return rows


def gdelt_rows(analysis: Analysis) -> list[dict[str, object]]:
    """GDELT-like rows: one per event with an actor, negated and hypothetical ones left out."""
    ents = {e.id: e for e in analysis.entities}
    rows = []
    for ev in analysis.events:
        if ev.actor is None or ev.negated or ev.status == "hypothetical":
            continue
        place = ents.get(ev.location or "")
        rows.append(
            {
                "date": _date(analysis, ev),
                "actor": _name(ents.get(ev.actor)),
                "actor_id": ev.actor,
                "event_type": ev.type,
                "target": _name(ents.get(ev.target or "")),
                "target_id": ev.target or "",
                "place": _name(place),
                "lat": place.geo.lat if place is not None and place.geo is not None else "",
                "lon": place.geo.lon if place is not None and place.geo is not None else "",
                "source_article": analysis.url or analysis.id or "",
            }
        )
    return rows


def to_events_csv(analyses: Iterable[Analysis], style: str = "plover") -> str:
    """CSV text with a header line: `style` is "plover" or "gdelt"."""
    if style not in ("plover", "gdelt"):
        raise ValueError(f"unknown events table style {style!r}")
    columns = PLOVER_COLUMNS if style == "plover" else GDELT_COLUMNS
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for analysis in analyses:
        rows = plover_rows(analysis) if style == "plover" else gdelt_rows(analysis)
        writer.writerows(safe_row(r) for r in rows)  # article text must not run as a spreadsheet formula
    return out.getvalue()


def _name(entity: Entity | None) -> str:
    return entity.name if entity is not None else ""
