"""The events-csv exports: PLOVER-ordered table and GDELT-like rows."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from claimgraph.formats.events_csv import GDELT_COLUMNS, PLOVER_COLUMNS, gdelt_rows, plover_rows, to_events_csv
from claimgraph.model import Analysis, Entity, Event, Geo, Mention, Span

TEXT = "Rebels captured Homs. If Turkey invaded, NATO would respond."


def _entity(eid: str, name: str, type_: str, geo: Geo | None = None) -> Entity:
    start = TEXT.index(name)
    return Entity(
        id=eid,
        type=type_,
        name=name,
        key=name.lower(),
        mentions=[Mention(start=start, end=start + len(name), text=name)],
        geo=geo,
    )


def _span(word: str) -> Span:
    start = TEXT.index(word)
    return Span(start=start, end=start + len(word), text=word)


@pytest.fixture
def analysis() -> Analysis:
    homs = Geo(lat=34.73, lon=36.71, kind="city")
    return Analysis(
        id="a1",
        url="https://example.org/a1",
        published=date(2024, 3, 1),
        model="test",
        text=TEXT,
        entities=[_entity("e1", "Rebels", "ORG"), _entity("e2", "Homs", "GPE", homs), _entity("e3", "Turkey", "GPE")],
        events=[
            Event(
                id="ev1",
                type="ASSAULT",
                trigger=_span("captured"),
                actor="e1",
                target="e2",
                location="e2",
                time="2024-02-28",
            ),
            Event(
                id="ev2",
                type="ASSAULT",
                trigger=_span("invaded"),
                actor="e3",
                status="hypothetical",
                time="2024",
                inherited=["time"],
            ),
        ],
    )


def test_plover_columns_and_values(analysis):
    rows = plover_rows(analysis)
    assert list(rows[0]) == list(PLOVER_COLUMNS)
    assert PLOVER_COLUMNS[:3] == ("id", "date", "time") and PLOVER_COLUMNS.index("event") < PLOVER_COLUMNS.index(
        "event_loc"
    ) < PLOVER_COLUMNS.index("quad_code")
    first = rows[0]
    assert first["id"] == "a1:ev1" and first["date"] == "2024-02-28"
    assert (first["source"], first["recipient"], first["event_loc"]) == ("Rebels", "Homs", "Homs")
    assert (first["event_loc_lat"], first["event_loc_lon"]) == (34.73, 36.71)
    assert first["quad_code"] == 4 and first["event_scale"] == -9.3
    assert first["text"] == ""  # this hand-made analysis has no sentences to quote
    second = rows[1]
    assert second["date"] == "2024-03-01"  # a year alone: the publication date
    assert second["context"] == "hypothetical" and second["inherited"] == "time"


def test_gdelt_rows_leave_out_hypothetical(analysis):
    rows = gdelt_rows(analysis)
    assert len(rows) == 1 and list(rows[0]) == list(GDELT_COLUMNS)
    assert rows[0]["actor"] == "Rebels" and rows[0]["place"] == "Homs"
    assert rows[0]["source_article"] == "https://example.org/a1"


def test_csv_text(analysis):
    for style, columns in (("plover", PLOVER_COLUMNS), ("gdelt", GDELT_COLUMNS)):
        table = list(csv.reader(io.StringIO(to_events_csv([analysis, analysis], style))))
        assert table[0] == list(columns)
        assert len(table) == 1 + 2 * (2 if style == "plover" else 1)
    with pytest.raises(ValueError):
        to_events_csv([analysis], "cameo")
