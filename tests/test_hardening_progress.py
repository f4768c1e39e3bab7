"""Progress that moves from the first article (#17 item 15), and languages
chosen from the command line and the Python API (item 13): an article in a
language the model is not given is skipped, with one line, and is no failure."""

from __future__ import annotations

import json

import pytest

from badinputs import ENGLISH, GERMAN, OTHERS
from claimgraph import ledger
from claimgraph.cli import main
from claimgraph.cli.progress import IngestProgress
from claimgraph.store.testing import make_analysis


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def analyses(n: int) -> list[str]:
    """`n` ready analyses (no spaCy), each unlike the others."""
    return [
        make_analysis(f"Officials in town {i} said the bridge {i} was closed.", url=f"https://p.example/{i}").to_json()
        for i in range(n)
    ]


# ------------------------------------------------------------------ 15: progress


def test_articles_are_counted_as_they_finish_not_when_their_batch_is_written(tmp_path):
    lines = analyses(5)
    path = tmp_path / "a.jsonl"
    path.write_text("\n".join([*lines, lines[0], "{broken"]) + "\n")  # a duplicate and a failure too
    events: list[tuple] = []
    summary = ledger.ingest(
        [str(path)],
        db=str(tmp_path / "l.sqlite"),
        batch=100,
        on_article=lambda origin: events.append(("article", origin)),
        on_item=lambda outcome: events.append(("item", outcome)),
        on_progress=lambda done, total: events.append(("progress", done, total)),
    )
    assert (summary.new, summary.duplicate, len(summary.failed)) == (5, 1, 1)
    articles = [e[1] for e in events if e[0] == "article"]
    assert articles == [f"{path}:{n}" for n in range(1, 8)]  # each article once, in order, whatever its outcome
    first_stored = events.index(("item", "new"))
    assert sum(e[0] == "article" for e in events[:first_stored]) == 7  # all counted before the batch was written
    # and while the reading advances: the third article is counted before the file is read to its end
    third = events.index(("article", f"{path}:3"))
    assert any(e[0] == "progress" and e[1] < e[2] for e in events[third:])
    assert [e[1] for e in events if e[0] == "item"].count("new") == 5  # stored outcomes: once written


def test_the_bar_counts_articles_before_a_batch_is_stored(tmp_path, capsys, monkeypatch):
    seen: list[tuple[int, dict]] = []
    on_item = IngestProgress.on_item

    def spy(self, outcome):
        if outcome == "new":  # the first stored outcome: what does the bar say by then?
            seen.append((self.bar.tasks[0].fields["articles"], dict(self.counts)))
        on_item(self, outcome)

    monkeypatch.setattr(IngestProgress, "on_item", spy)
    path = tmp_path / "a.jsonl"
    path.write_text("\n".join(analyses(3)) + "\n")
    code, _, err = run(capsys, "ingest", str(path), "--db", str(tmp_path / "l.sqlite"), "--progress", "--no-link")
    assert code == 0 and "Traceback" not in err
    articles, counts = seen[0]
    assert articles == 3 and counts["new"] == 0  # the rate had 3 articles to count; "new" waited for the batch
    assert "3 new · 0 near-duplicate · 0 updated · 0 duplicate · 0 failed · 0 skipped" in err


def test_the_hooks_the_bar_gives():
    with IngestProgress(False) as hooks:
        assert hooks == {}
    with IngestProgress(True) as hooks:
        assert set(hooks) == {"on_item", "on_article", "on_progress"}
        for n in range(4):
            hooks["on_article"](f"a:{n}")
        hooks["on_item"]("failed")
        progress = hooks["on_article"].__self__
        assert progress.bar.tasks[0].fields["articles"] == 4 and progress.counts["failed"] == 1


# ------------------------------------------------------------------ 13: languages


@pytest.fixture
def mixed(tmp_path):
    """A German article and an English analysis ready-made: no spaCy needed to skip the German one."""
    path = tmp_path / "mixed.jsonl"
    path.write_text(json.dumps({"id": "de", "text": GERMAN}) + "\n" + analyses(1)[0] + "\n")
    return path


def test_a_skipped_article_is_its_own_outcome_not_a_failure(tmp_path, capsys, mixed):
    db = str(tmp_path / "l.sqlite")
    code, out, err = run(capsys, "ingest", str(mixed), "--db", db, "--format", "json", "--no-progress")
    summary = json.loads(out)
    assert code == 0 and summary["new"] == 1 and summary["failed"] == []
    assert summary["skipped"] == [{"origin": f"{mixed}:1", "reason": f"{mixed}:1: language de, the model reads en"}]
    assert err.splitlines() == [f"claimgraph: skipped: {mixed}:1: language de, the model reads en"]
    code, out, err = run(capsys, "ingest", str(mixed), "--db", db, "--no-progress")
    assert (
        code == 0
        and err.splitlines()[-1] == "0 new, 0 near-duplicate (grouped), 0 updated, 1 duplicate, 0 failed, 1 skipped"
    )
    assert ledger.stats(db=db)["failures"] == 0  # nothing went wrong: nothing in the failures table


def test_language_options_choose_what_is_analysed(tmp_path, capsys, mixed):
    db = str(tmp_path / "l.sqlite")
    english = tmp_path / "en.jsonl"
    english.write_text(json.dumps({"id": "en", "text": ENGLISH}) + "\n")
    code, out, err = run(capsys, "ingest", str(mixed), str(english), "--db", db, "--language", "DE,fr", "--format=json")
    summary = json.loads(out)
    assert code == 0 and summary["new"] == 2, err  # the German article and the ready analysis
    assert summary["skipped"] == [
        {"origin": f"{english}:1", "reason": f"{english}:1: language en, the model reads de/fr"}
    ]
    assert ledger.stats(db=db)["languages"] == {"de": 1}  # the detected language is stored
    code, out, _ = run(capsys, "stats", "--db", db, "--format", "pretty")
    assert "languages  de (1)" in out

    for bad in (["--language", "deutsch"], ["--language", ""], ["--language", "de", "--any-language"]):
        code, _, err = run(capsys, "ingest", str(mixed), "--db", db, *bad)
        assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err, bad


def test_any_language_and_the_python_api(tmp_path, analyzer, mixed):
    db = str(tmp_path / "l.sqlite")
    summary = ledger.ingest([str(mixed)], db=db, analyzer=analyzer, languages=())
    assert (summary.new, summary.skipped, summary.failed) == (2, [], [])
    (round1,) = ledger.watch([str(mixed)], db=str(tmp_path / "w.sqlite"), rounds=1, languages=["en"])
    assert (round1.new, [o for o, _ in round1.skipped]) == (1, [f"{mixed}:1"])
    with pytest.raises(Exception, match="not an ISO 639 code"):
        ledger.ingest([str(mixed)], db=str(tmp_path / "x.sqlite"), languages=["english"])
    assert not (tmp_path / "x.sqlite").exists()  # refused before a ledger was made


def test_analyze_skips_with_one_line_and_exit_0(tmp_path, capsys):
    (tmp_path / "de.txt").write_text(GERMAN)
    (tmp_path / "en.txt").write_text(OTHERS[0])
    code, out, err = run(capsys, "analyze", str(tmp_path / "de.txt"), str(tmp_path / "en.txt"), "--format", "jsonl")
    assert code == 0 and [json.loads(line)["id"] for line in out.splitlines()] == [str(tmp_path / "en.txt")]
    assert err.splitlines() == [f"claimgraph: skipped: {tmp_path / 'de.txt'}: language de, the model reads en"]
    code, out, err = run(capsys, "analyze", str(tmp_path / "de.txt"), "--any-language", "--format", "jsonl")
    assert code == 0 and len(out.splitlines()) == 1 and err == ""
