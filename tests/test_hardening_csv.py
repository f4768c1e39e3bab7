"""#16: no CSV the project writes holds a live spreadsheet formula taken from article text."""

from __future__ import annotations

import csv
import io

import pytest

from claimgraph.formats.csv_cells import safe_cell
from claimgraph.formats.events_csv import to_events_csv
from claimgraph.store import open_store
from claimgraph.store.export import export
from claimgraph.store.testing import make_analysis
from claimgraph.store.write import Record, add_records

EVIL = ['=HYPERLINK("http://evil.example","x")', "+1+2", "-2+3", "@SUM(A1:A9)", "\tcmd", "\r=1"]


@pytest.mark.parametrize("value", EVIL)
def test_a_formula_cell_gets_a_leading_quote_and_is_otherwise_kept(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Officials said", "", "'=already quoted", "a=b", 3, -3, 1.5, None])
def test_other_cells_are_left_as_they_are(value):
    assert safe_cell(value) == value


def _live(cells: list[str]) -> list[str]:
    """Cells a spreadsheet runs as formulas (a plain number such as -9.3 is not one)."""
    out = []
    for c in cells:
        try:
            float(c)
        except ValueError:
            if c.startswith(("=", "+", "-", "@", "\t", "\r")):
                out.append(c)
    return out


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def test_ledger_csv_export_neutralises_formulas_from_article_text(tmp_path):
    analyses = []
    for i, bad in enumerate(EVIL):
        content = f"{bad} was closed"
        text = f"Officials said {content}."
        analyses.append(make_analysis(text, [("Officials", "said", content)], url=f"https://x.example/{i}", title=bad))
    with open_store(str(tmp_path / "l.sqlite")) as store:
        with store.engine.begin() as conn:
            add_records(conn, [Record(a, f"t{i}") for i, a in enumerate(analyses)])
        out = io.StringIO(newline="")
        assert export(store, "csv", out) == len(EVIL)
    cells = _cells(out.getvalue())
    for bad in EVIL:
        assert f"'{bad} was closed" in cells and f"'{bad}" in cells  # claim text and title, quoted, intact
    assert not _live(cells)


def test_events_csv_neutralises_formulas_from_article_text():
    text = "Officials said troops attacked =Evil town."
    a = make_analysis(
        text,
        [("Officials", "said", "troops attacked =Evil town")],
        [("=Evil", "GPE")],
        title="@SUM(A1)",
        publisher="+Daily",
        events=[("ASSAULT", "attacked", 0, "=Evil")],
    )
    for style in ("plover", "gdelt"):
        cells = _cells(to_events_csv([a], style))
        assert not _live(cells), style
    plover = _cells(to_events_csv([a], "plover"))
    assert {"'=Evil", "'@SUM(A1)", "'+Daily"} <= set(plover)
