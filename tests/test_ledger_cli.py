"""The ledger commands, as a user types them, through the one CLI (`claimgraph.cli.main`)."""

from __future__ import annotations

import argparse
import inspect
import json

import pytest

from claimgraph import ledger
from claimgraph.cli import COMMANDS, build_parser, main
from claimgraph.cli.ledger import parse_period
from claimgraph.store.testing import make_analysis

STRIKE = "Ukrainian drones struck an oil depot in Belgorod on Monday"


@pytest.fixture
def ledger_file(tmp_path):
    docs = [
        make_analysis(
            f"Russian officials said {STRIKE}.",
            [("Russian officials", "said", STRIKE)],
            entities=[("Belgorod", "GPE")],
            url="https://a.example/1",
            publisher="Alpha",
            published="2024-12-08",
        ),
        make_analysis(
            f"Ukraine denied that {STRIKE}.",
            [("Ukraine", "denied", STRIKE, "denied")],
            entities=[("Ukraine", "GPE"), ("Belgorod", "GPE")],
            url="https://b.example/1",
            publisher="Beta",
            published="2024-12-09",
        ),
    ]
    path = tmp_path / "analyses.jsonl"
    path.write_text("".join(d.to_json() + "\n" for d in docs))
    return path


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_ingest_then_query_from_the_command_line(tmp_path, capsys, ledger_file):
    db = str(tmp_path / "l.sqlite")
    code, out, err = run(capsys, "ingest", str(ledger_file), "--db", db, "--format", "json")
    assert code == 0 and json.loads(out) == {
        "new": 2,
        "near_duplicate": 0,
        "updated": 0,
        "duplicate": 0,
        "failed": [],
        "skipped": [],
    }

    code, out, _ = run(capsys, "search", "drones", "source:Ukraine", "--db", db, "--format", "jsonl")
    assert code == 0 and [json.loads(line)["source"] for line in out.splitlines()] == ["Ukraine"]

    code, out, _ = run(capsys, "claims", "--contradicted", "--db", db, "--format", "json")
    assert {r["publisher"] for r in json.loads(out)} == {"Alpha", "Beta"}

    code, out, _ = run(capsys, "story", "Belgorod", "--db", db, "--format", "pretty")
    assert code == 0 and out.index("2024-12-08") < out.index("2024-12-09") and "contradicted" in out

    code, out, _ = run(capsys, "stats", "--db", db, "--format", "json")
    assert json.loads(out)["claims"] == 2

    csv_path = tmp_path / "claims.csv"
    code, _, err = run(capsys, "export", "csv", "-o", str(csv_path), "--db", db)
    assert code == 0 and "2 records" in err and csv_path.read_text().count("\n") == 3


def test_link_places_what_ingest_left_unlinked(tmp_path, capsys, ledger_file):
    db = str(tmp_path / "l.sqlite")
    run(capsys, "ingest", str(ledger_file), "--db", db, "--no-link", "--format", "json")
    code, out, _ = run(capsys, "claims", "--contradicted", "--db", db, "--format", "json")
    assert json.loads(out) == []  # nothing linked yet

    code, out, _ = run(capsys, "link", "--db", db, "--format", "json")
    assert code == 0 and json.loads(out)["linked"] == 2 and json.loads(out)["links"] == 1
    code, out, _ = run(capsys, "claims", "--contradicted", "--db", db, "--format", "json")
    assert len(json.loads(out)) == 2

    code, out, _ = run(capsys, "link", "--db", db, "--format", "json")
    assert (json.loads(out)["mode"], json.loads(out)["linked"]) == ("incremental", 0)
    code, out, _ = run(capsys, "link", "--full", "--db", db, "--format", "json")
    assert (json.loads(out)["mode"], json.loads(out)["linked"], json.loads(out)["links"]) == ("full", 2, 1)


def test_failures_and_usage_errors_are_one_line_and_an_exit_code(tmp_path, capsys, ledger_file):
    db = str(tmp_path / "l.sqlite")
    bad = tmp_path / "bad.jsonl"
    bad.write_text(ledger_file.read_text() + "{not json\n")
    code, out, err = run(capsys, "ingest", str(bad), "--db", db)
    assert code == 3 and "bad.jsonl:3: malformed JSON" in err and "2 new" in err + out

    code, _, err = run(capsys, "search", "colour:red", "--db", db)
    assert code == 2 and err.startswith("claimgraph: error: unknown filter") and "Traceback" not in err
    code, _, err = run(capsys, "ingest", str(bad), "--db", db, "--jobs", "0")
    assert code == 2
    code, _, err = run(capsys, "ingest", str(bad), "--db", f"sqlite:///{bad}/x/y.sqlite")
    assert code == 4 and "cannot open the ledger" in err
    code, _, err = run(capsys, "stats", "--db", f"sqlite:///{bad}/x/y.sqlite")
    assert code == 3 and "no ledger at" in err


LEDGER_COMMANDS = ("ingest", "watch", "search", "claims", "story", "export", "link", "stats")
# options that only the command line has: how to print, the progress bar, Settings(model=...)
CLI_ONLY = {"format", "progress", "model"}
# parameters that only Python callers can give: objects and hooks
API_ONLY = {"settings", "analyzer", "fetcher", "on_item", "on_article", "on_progress", "sleep", "relate"}


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    (sub,) = (a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


def test_one_parser_and_one_table_of_commands():
    parser = build_parser()
    assert set(_subcommands()) == set(COMMANDS)  # every subcommand has its handler, and no handler is unreachable
    assert COMMANDS[parser.parse_args(["schema"]).command].__module__ != "claimgraph.cli.ledger"
    args = parser.parse_args(["claims", "--since", "2024-12", "--entity", "Belgorod"])
    assert (args.command, args.since, args.entity, args.contradicted) == ("claims", "2024-12", "Belgorod", False)
    assert COMMANDS[args.command].__module__ == "claimgraph.cli.ledger"
    assert {n for n, f in COMMANDS.items() if f.__module__ == "claimgraph.cli.ledger"} == set(LEDGER_COMMANDS)


@pytest.mark.parametrize("name", LEDGER_COMMANDS)
def test_each_ledger_command_has_the_parameters_of_its_ledger_function(name):
    dests = {a.dest for a in _subcommands()[name]._actions if not isinstance(a, argparse._HelpAction)}
    params = set(inspect.signature(getattr(ledger, name)).parameters)
    assert "db" in dests and "db" in params
    assert dests - params <= CLI_ONLY, f"{name}: options with no parameter of ledger.{name}"
    assert params - dests <= API_ONLY, f"ledger.{name}: parameters with no option of `claimgraph {name}`"


def test_db_is_keyword_only_in_every_ledger_function():
    functions = {
        n: f
        for n, f in inspect.getmembers(ledger, inspect.isfunction)
        if f.__module__ == "claimgraph.ledger" and not n.startswith("_")
    }
    assert set(functions) >= {*LEDGER_COMMANDS, "relink"}
    for name, f in functions.items():
        assert inspect.signature(f).parameters["db"].kind is inspect.Parameter.KEYWORD_ONLY, name


def test_periods():
    assert [parse_period(p) for p in ("30s", "10m", "1h", "90")] == [30, 600, 3600, 90]
    from claimgraph.errors import UsageError

    with pytest.raises(UsageError):
        parse_period("soon")


def test_ingest_with_the_progress_bar_forced_on(tmp_path, capsys, ledger_file):
    db = str(tmp_path / "l.sqlite")
    bad = tmp_path / "bad.jsonl"
    bad.write_text(ledger_file.read_text() + "{not json\n")
    code, _, err = run(capsys, "ingest", str(bad), "--db", db, "--progress")
    assert code == 3 and "Traceback" not in err
    # the bar's last state stays, then the failures with reasons, then the summary line
    assert "100%" in err and "2 new · 0 near-duplicate · 0 updated · 0 duplicate · 1 failed" in err
    assert err.index("100%") < err.index("claimgraph: failed: ") < err.index("bad.jsonl:3: malformed JSON")
    assert err.rstrip().endswith("2 new, 0 near-duplicate (grouped), 0 updated, 0 duplicate, 1 failed")

    code, _, err = run(capsys, "ingest", str(bad), "--db", db, "--no-progress")
    assert code == 3 and "%" not in err and "0 new, 0 near-duplicate (grouped), 0 updated, 2 duplicate, 1 failed" in err
