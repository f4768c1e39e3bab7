"""The times stage: a table of expressions, the sample article, bad input, the lexicons."""

from __future__ import annotations

import csv
import dataclasses
import json
import os
import random
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

import claimgraph.analyse.times.calendar as cal
from claimgraph.analyse.times import grammar, tag
from claimgraph.analyse.times.lexicon import load
from claimgraph.analyse.times.words import Words
from claimgraph.errors import ResourceError

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SHARED = ROOT.parent / "shared"
TOPICS = {
    "relative",
    "yearless",
    "anchored",
    "absolute",
    "time",
    "decade",
    "quarter",
    "season",
    "modified",
    "duration",
    "set",
    "holiday",
    "no-publication",
    "not-a-time",
    "bad-input",
}


def table() -> list[dict[str, str]]:
    with open(HERE / "data" / "times_table.tsv", encoding="utf-8") as f:
        lines = [line for line in f if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))


ROWS = table()


@pytest.fixture(scope="module")
def nlp(analyzer):
    return analyzer.resources.nlp


def test_table_is_large_and_covers_every_topic() -> None:
    assert len(ROWS) >= 200
    assert {r["topic"] for r in ROWS} == TOPICS


@pytest.mark.parametrize("row", ROWS, ids=[f"{i}:{r['expression']}" for i, r in enumerate(ROWS)])
def test_expression(row: dict[str, str], nlp) -> None:
    text = row["sentence"]
    published = None if row["published"] == "-" else date.fromisoformat(row["published"])
    start = text.index(row["expression"])
    end = start + len(row["expression"])
    found = [t for t in tag(text, published, nlp(text)) if t.start < end and start < t.end]
    if row["type"] == "-":
        assert not found, f"{row['expression']!r} is not a time, got {found}"
        return
    assert len(found) == 1, f"expected one time over {row['expression']!r}, got {found}"
    t = found[0]
    assert text[t.start : t.end] == row["expression"]
    assert t.type == row["type"]
    assert t.value == (None if row["value"] == "-" else row["value"])
    if row["topic"] == "no-publication":
        assert t.underspecified == ("X" in (t.value or ""))


def test_without_a_parse_the_stage_still_tags() -> None:
    """No spaCy Doc (tense unknown): absolute dates resolve, weekdays default to the past."""
    times = tag("The plane crashed on Monday, 2 December 2024, and again on Friday.", date(2024, 12, 8))
    assert [(t.type, t.value) for t in times] == [("DATE", "2024-12-02"), ("DATE", "2024-12-06")]


def test_relative_without_publication_is_flagged_not_guessed() -> None:
    times = tag("Prices rose yesterday and last year, and are high now.", None)
    assert [t.value for t in times] == ["XXXX-XX-XX", "XXXX", "PRESENT_REF"]
    assert [t.underspecified for t in times] == [True, True, False]
    assert times[0].anchor == "none"


def test_garbage_never_crashes() -> None:
    rng = random.Random(7)
    words = [
        "31",
        "February",
        "the",
        "45th",
        "of",
        "May",
        "99999",
        "year",
        "ago",
        "last",
        "next",
        "Monday",
        "0",
        "00:99",
        "p.m.",
        "1/0/0",
        "Q9",
        "quarter",
        "-",
        "mid-",
        "'00s",
        "century",
        "9999",
        "twenty",
        "thousand",
        "hundred",
        "years",
        "later",
        "2024-02-30",
        "fiscal",
        "Easter",
        "on",
    ]
    for _ in range(300):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 25)))
        for t in tag(text, rng.choice([None, date(1, 1, 1), date(9999, 12, 31), date(2024, 2, 29)])):
            assert 0 <= t.start < t.end <= len(text)
            assert t.type in ("DATE", "TIME", "DURATION", "SET")


def test_calendar() -> None:
    assert cal.easter(2024) == date(2024, 3, 31)
    assert cal.nth_weekday(2024, 11, 4, 4) == date(2024, 11, 28)  # Thanksgiving
    assert cal.nth_weekday(2024, 5, -1, 1) == date(2024, 5, 27)  # Memorial Day
    assert cal.year_for(date(2024, 12, 8), 12, 20, "past") == 2023
    assert cal.year_for(date(2024, 12, 8), 1, 15, "") == 2025
    assert cal.point(date(2024, 12, 8), "week").value == "2024-W49"
    assert cal.point(date(2025, 1, 15), "season").value == "2024-WI"
    assert cal.parse_value("1989-Q3") == cal.Point("quarter", 1989, 7, 1, 3)
    assert cal.shift(date(9999, 12, 31), "D", 1) is None


def test_lexicons_load_and_every_holiday_has_a_date() -> None:
    lex = load()
    assert lex.kind("month")["sept"] == "9"
    assert lex.refs["now"] == ("DATE", "PRESENT_REF")
    assert lex.deictic["yesterday"] == (-1, "")
    for name, rule in lex.holidays.items():
        assert cal.holiday_date(rule, 2024) is not None, name


def test_every_rule_can_be_woken_and_has_its_words() -> None:
    """Each rule of the table waits for trigger classes some word (or a digit) belongs to, and every
    context role the handlers read is in time_cues.tsv."""
    g = grammar()
    woken = {cls for classes in g.triggers.values() for cls in classes} | {"digit"}
    for rule in g.rules:
        assert rule.needs and rule.needs <= woken, rule.name
    assert g.day_rules == {"iso", "numeric", "mdy", "dmy", "weekday", "deictic"}
    assert g.words.full_months == [m for m in g.words.months if len(m) > 4 or m in ("may", "june", "july")]
    assert g.words.mod("in early 2015") == "START"
    assert g.words.steps["last"] == -1 and g.words.steps["following"] == 1


def test_a_missing_cue_role_is_an_error_not_an_empty_pattern() -> None:
    lex = load()
    cues = {role: words for role, words in lex.cues.items() if role != "deadline"}
    with pytest.raises(ResourceError, match="deadline"):
        Words(dataclasses.replace(lex, cues=cues))


def test_run_fills_the_contract(analyzer) -> None:
    from claimgraph import Article

    text = "The envoy arrived on Monday. Two days later he left for Geneva, where talks last 3 hours."
    analysis = analyzer.analyze(Article(text=text, published=date(2024, 12, 8)))
    assert [t.id for t in analysis.times] == ["t1", "t2", "t3"]
    assert [t.text for t in analysis.times] == ["Monday", "Two days later", "3 hours"]
    assert all(text[t.start : t.end] == t.text for t in analysis.times)
    assert [t.value for t in analysis.times] == ["2024-12-02", "2024-12-04", "PT3H"]
    assert [t.anchor for t in analysis.times] == ["publication", "text", None]


@pytest.mark.skipif(not (SHARED / "samples" / "syria-withdrawal.txt").exists(), reason="no ../shared")
def test_sample_article(analyzer) -> None:
    from claimgraph import Article

    text = (SHARED / "samples" / "syria-withdrawal.txt").read_text(encoding="utf-8")
    analysis = analyzer.analyze(Article(text=text, published=date(2024, 12, 8)))
    values = {t.text: t.value for t in analysis.times}
    assert values["earlier today"] == "2024-12-08"
    assert values["8 December"] == "2024-12-08"
    assert values["2015"] == "2015"


@pytest.mark.skipif(not (SHARED / "gold" / "dev-time").is_dir(), reason="no ../shared")
def test_dev_time_floor(tmp_path: Path) -> None:
    """TimeBank dev: value F1 at least 0.80 (the issue's floor), scored by the shared scorer."""
    runner = f"{sys.executable} {ROOT / 'bench' / 'times_eval.py'} --times-only --cache {tmp_path} {{jsonl}}"
    out = subprocess.run(
        [
            sys.executable,
            str(SHARED / "eval" / "score.py"),
            "--corpus",
            str(SHARED / "gold" / "dev-time"),
            "--run-jsonl",
            runner,
            "--quiet",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=900,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    metrics = json.loads(out.stdout[out.stdout.index("{") :])
    metrics = metrics.get("metrics", metrics)
    assert metrics["times.value_f1"] >= 0.80
