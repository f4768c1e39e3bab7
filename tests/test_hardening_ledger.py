"""The ledger against hostile or unlucky use: concurrent first opens, huge
queries, queries the two back ends might answer differently, control
characters and escape sequences, broken databases, mistyped --db, and the
command-line corners (a query that starts with '-', nothing found)."""

from __future__ import annotations

import io
import json
import os
import pty
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from claimgraph import ledger
from claimgraph.cli import main
from claimgraph.errors import InputError, UsageError
from claimgraph.store import normalise_url, open_store
from claimgraph.store.search import MAX_FILTERS, MAX_QUERY_CHARS, MAX_TERMS, conditions, parse
from claimgraph.store.testing import make_analysis, postgres_available, postgres_schema
from claimgraph.store.write import Record, add_records

PG_SKIP = postgres_available()
BACK_ENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.skipif(bool(PG_SKIP), reason=PG_SKIP or ""))]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("claimgraph: error: "), err
    assert "Traceback" not in err
    return lines[0]


@pytest.fixture(params=BACK_ENDS)
def db(request, tmp_path):
    """A URL where no ledger is yet (a file path, or an empty PostgreSQL schema)."""
    if request.param == "sqlite":
        yield str(tmp_path / "ledger.sqlite")
        return
    with postgres_schema() as url:
        yield url


def fill(url: str, analyses) -> None:
    with open_store(url) as store:
        with store.engine.begin() as conn:
            add_records(conn, [Record(a, f"t{i}") for i, a in enumerate(analyses)])
        ledger.relink(db=store)


def claim(text: str, source: str = "Officials", cue: str = "said", **meta):
    return make_analysis(f"{source} {cue} {text}.", [(source, cue, text)], **meta)


# 6 ------------------------------------------------------------------ two first opens at once

OPEN = (
    "import sys, time\n"
    "from alembic import command\n"
    "from claimgraph.store import open_store\n"
    "time.sleep(max(0.0, float(sys.argv[2]) - time.time()))\n"  # all loaded: they migrate at the same moment
    "open_store(sys.argv[1]).close()\n"
)


def test_processes_opening_a_fresh_ledger_at_once_all_succeed(db, tmp_path):
    urls = [db, *(str(tmp_path / f"more{i}.sqlite") for i in range(2))] if "://" not in db else [db]
    for url in urls:  # the race is one of timing: each time six at once
        start = time.time() + 4
        procs = [
            subprocess.Popen([sys.executable, "-c", OPEN, url, str(start)], stderr=subprocess.PIPE) for _ in range(6)
        ]
        errors = [p.communicate(timeout=120)[1].decode() for p in procs]
        assert [p.returncode for p in procs] == [0] * 6, errors
        with open_store(url) as store, store.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM alembic_version").scalar() == 1
            assert store.count("articles") == 0


# 10 ----------------------------------------------------------------- queries past the limits


@pytest.fixture(scope="module", params=BACK_ENDS)
def filled(request, tmp_path_factory):
    """Both back ends hold the same articles: stop words, negations, short
    words, punctuation, accents and the words where two Porter stemmers part."""
    texts = [
        ("the report is not fake", "Officials"),
        ("the report is fake", "Police"),
        ("the port was not closed on Monday", "The U.S. Navy"),
        ("the port was closed", "Harbour officials"),
        ("us officials said the café in Zürich is closed", "Residents"),
        ("the cafe reopened", "Owners"),
        ("it is possibly the largest assembly", "Organisers"),
        ("it was possible that they assembled", "Police"),
        ("the apology came late and he apologized", "Reuters"),
        ("engines were revved before the race", "Witnesses"),
        ("oil-depot fires burned all night", "Ukraine's military"),
        ("the 1990s saw 20 ads a day", "Historians"),
        ("useful tools are used", "Engineers"),
        ("ecology and ecological damage", "Scientists"),
    ]
    analyses = [
        claim(text, source, published=f"2024-12-{i + 1:02d}", url=f"https://n.example/{i}")
        for i, (text, source) in enumerate(texts)
    ]
    if request.param == "sqlite":
        url = str(tmp_path_factory.mktemp("hardening") / "l.sqlite")
        fill(url, analyses)
        yield url
        return
    with postgres_schema() as url:
        fill(url, analyses)
        yield url


QUERIES = [
    '"not fake"',
    "not fake",
    "the",
    "port -the",
    "port NOT closed",
    '"port was not"',
    "us",
    "US",
    "is",
    "a",
    "cafe",
    "café",
    "Zurich",
    "possibly",
    "possible",
    "assembly",
    "apologize",
    "apology",
    "rev",
    "oil-depot",
    '"oil depot"',
    "depot -oil",
    "Ukraine",
    "Ukraine's",
    "source:U.S.",
    'source:"the u s"',
    "1990",
    "20",
    "ad",
    "use",
    "useful",
    "ecology",
    "ecological",
    '"monday the"',  # the end of a claim and the start of its source: no phrase runs across
    '"closed residents"',
    "*",
    "fake -*",
]


@pytest.fixture(scope="module")
def answers():
    """Each back end's answers, to compare when both have run."""
    return {}


@pytest.mark.parametrize("query", QUERIES)
def test_one_query_gives_the_same_claims_on_both_back_ends(filled, answers, query):
    try:
        got = [r["content"] for r in ledger.search(query, db=filled, limit=None)]
    except UsageError as exc:
        got = f"UsageError: {exc}"
    backend = "sqlite" if "://" not in filled else "postgresql"
    answers.setdefault(query, {})[backend] = got
    if len(answers[query]) == 2:
        assert answers[query]["sqlite"] == answers[query]["postgresql"], query


def test_the_answers_are_the_ones_a_reader_expects(filled):
    def found(query: str) -> set[str]:
        return {r["content"] for r in ledger.search(query, db=filled, limit=None)}

    assert found('"not fake"') == {"the report is not fake"}  # "not" is a word, not a stop word
    assert found("port NOT closed") == {"the port was not closed on Monday"}
    assert found("cafe") == found("café") == {"us officials said the café in Zürich is closed", "the cafe reopened"}
    assert found("possibly") == found("possible")  # stemming on both back ends
    assert found('"monday the"') == set()


def test_queries_past_the_limits_are_refused_on_one_line(filled):
    for query, what in [
        ("drone " * (MAX_QUERY_CHARS // 6 + 1), "characters"),
        (" ".join(f"w{i}" for i in range(MAX_TERMS + 1)), "words and phrases"),
        (" ".join(f"entity:E{i}" for i in range(MAX_FILTERS + 1)), "filter values"),
    ]:
        with pytest.raises(UsageError, match=what):
            ledger.search(query, db=filled)
    with pytest.raises(UsageError, match="filter values"):
        ledger.claims(db=filled, query=" ".join(f"place:P{i}" for i in range(MAX_FILTERS)), entity="X")
    # the most that is accepted is answered, quickly
    started = time.perf_counter()
    ledger.search(" ".join(f"w{i}" for i in range(MAX_TERMS - 1)) + " fake", db=filled)
    ledger.search(" ".join(f"entity:E{i}" for i in range(MAX_FILTERS)), db=filled)
    assert time.perf_counter() - started < 5


def test_thousands_of_words_are_one_line_not_a_recursion_error(capsys, filled):
    code, out, err = run(capsys, "search", *(["drone"] * 2000), "--db", filled)
    assert code == 2 and out == "" and "at most 1,000" in one_line(err)
    code, _, err = run(capsys, "search", "drones", *(f"entity:E{i}" for i in range(3000)), "--db", filled)
    assert code == 2 and "at most" in one_line(err)


def test_a_postgresql_text_query_is_flat():
    from sqlalchemy.dialects import postgresql

    class Pg:
        is_sqlite = False

    where = conditions(Pg(), parse(" ".join(f"w{i}" for i in range(MAX_TERMS - 2)) + ' "a b" -c'))
    sql = str(sa.and_(*where).compile(dialect=postgresql.dialect()))
    assert "tsquery_and" not in sql and sql.count("claimgraph_tsquery(") == MAX_TERMS


# 2 ------------------------------------------------------------------ control characters in queries


@pytest.mark.parametrize("query", ["fake\x00", '"not\x00 fake"', "fake \x1b[2J", "source:Of\x07ficials fake"])
def test_control_characters_in_a_query_are_refused_on_one_line(capsys, filled, query):
    code, out, err = run(capsys, "search", query, "--db", filled)
    assert code == 2 and out == "" and "control character" in one_line(err)
    with pytest.raises(UsageError, match="control character"):
        ledger.claims(db=filled, source="Of\x00ficials")


# 14 ----------------------------------------------------------------- the bar keeps off standard output


def test_progress_on_a_terminal_leaves_standard_output_to_the_results(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(
        "".join(json.dumps({"id": f"a{i}", "text": f"Police said road {i} was shut."}) + "\n" for i in range(3))
    )
    # standard error is a terminal, standard output a file: `claimgraph analyze ... > out.jsonl` typed in a shell
    main_fd, term_fd = pty.openpty()
    seen = bytearray()

    def drain() -> None:
        while True:
            try:
                chunk = os.read(main_fd, 4096)
            except OSError:
                return
            if not chunk:
                return
            seen.extend(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    out = tmp_path / "out.jsonl"
    with out.open("wb") as fh:
        proc = subprocess.run(
            [sys.executable, "-m", "claimgraph.cli", "analyze", "--input", str(src), "--format", "jsonl"],
            stdout=fh,
            stderr=term_fd,
            timeout=300,
            env={**os.environ, "COLUMNS": "100", "TERM": "xterm"},
        )
    os.close(term_fd)
    reader.join(timeout=10)
    os.close(main_fd)
    assert proc.returncode == 0, seen.decode(errors="replace")
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == ["a0", "a1", "a2"]
    screen = seen.decode(errors="replace")
    assert "analysing" in screen and '"id"' not in screen


# 17 ----------------------------------------------------------------- escape sequences in article text

NASTY = "\x1b]0;owned\x07\x1b[2J\x1b[31mred\x9b1;1H\x1b(0\x00\x7f\r"


def test_printable_drops_escape_sequences_and_control_characters():
    from claimgraph.formats.terminal import printable

    assert printable(f"a{NASTY}b\tc\nd") == "aredb\tc\nd"
    assert printable("\x1b]0;title without an end\nnext line") == "\nnext line"
    assert printable("plain “text” — ok") == "plain “text” — ok"


def nasty_analysis():
    return make_analysis(
        f"Police{NASTY} said the road{NASTY} was shut.",
        [(f"Police{NASTY}", "said", f"the road{NASTY} was shut")],
        entities=[(f"Police{NASTY}", "ORG")],
        title=f"Road [bold]shut[/] [/x] {NASTY}",
        publisher=f"Daily{NASTY}",
        url="https://n.example/esc",
        published="2024-12-08",
    )


def assert_clean(text: str) -> None:
    from claimgraph.formats.terminal import CONTROL

    assert not CONTROL.search(text), repr(text)
    assert "owned" not in text and "1;1H" not in text


def test_pretty_and_markdown_reports_print_no_escape_sequences():
    from rich.console import Console

    from claimgraph.formats.analysis import print_pretty, to_markdown

    a = nasty_analysis()
    buf = io.StringIO()
    print_pretty(a, Console(file=buf, color_system=None, width=120))
    assert_clean(buf.getvalue())
    assert "[bold]shut[/] [/x]" in buf.getvalue()  # a title's brackets are text, not markup
    assert_clean(to_markdown(a))


def test_search_claims_story_and_stats_print_no_escape_sequences(capsys, tmp_path):
    db = str(tmp_path / "l.sqlite")
    fill(db, [nasty_analysis()])
    for argv in (["search", "road"], ["claims"], ["story", "road"], ["stats"]):
        code, out, err = run(capsys, *argv, "--db", db, "--format", "pretty")
        assert code == 0, err
        assert_clean(out)
        assert "road" in out or "articles" in out


# 18 ----------------------------------------------------------------- broken databases, one line each


@pytest.fixture
def ledger_file(tmp_path):
    path = tmp_path / "analyses.jsonl"
    path.write_text(claim("the road was shut", url="https://n.example/1", published="2024-12-08").to_json() + "\n")
    return path


@pytest.mark.parametrize("wrapped", [True, False])
def test_a_full_disk_is_one_line_and_exit_4(capsys, monkeypatch, tmp_path, ledger_file, wrapped):
    full = sqlite3.OperationalError("database or disk is full")

    def no_room(*_args, **_kwargs):
        raise sa.exc.OperationalError("INSERT INTO articles ...", {}, full) if wrapped else full

    monkeypatch.setattr("claimgraph.ledger.pipeline.add_records", no_room)
    code, _, err = run(capsys, "ingest", str(ledger_file), "--db", str(tmp_path / "l.sqlite"), "--no-progress")
    assert code == 4 and "database or disk is full" in one_line(err)


@pytest.mark.parametrize("command", [["search", "road"], ["stats"], ["claims"], ["ingest", "INPUT"]])
def test_a_file_that_is_no_ledger_is_one_line_and_exit_4(capsys, tmp_path, ledger_file, command):
    db = tmp_path / "l.sqlite"
    db.write_bytes(b"this is not a database, just bytes " * 200)
    argv = [str(ledger_file) if a == "INPUT" else a for a in command]
    code, out, err = run(capsys, *argv, "--db", str(db), "--no-progress" if "ingest" in argv else "--format=json")
    assert code == 4 and out == "" and "not a database" in one_line(err)


def test_a_truncated_ledger_is_one_line_and_exit_4(capsys, tmp_path):
    db = tmp_path / "l.sqlite"
    fill(str(db), [claim(f"road {i} was shut", url=f"https://n.example/{i}") for i in range(300)])
    size = db.stat().st_size
    with db.open("r+b") as fh:
        fh.truncate(size // 3)
    failed = 0
    for argv in (["search", "road"], ["stats"], ["claims", "--limit", "1000"]):
        code, _, err = run(capsys, *argv, "--db", str(db), "--format", "json")
        if code:
            assert code == 4 and "the ledger" in one_line(err)
            failed += 1
    assert failed  # what the cut took away is missed, not papered over


def test_a_ledger_from_a_newer_claimgraph_is_one_line_and_exit_4(capsys, db, ledger_file):
    with open_store(db) as store, store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    for argv in (["stats"], ["search", "road"], ["ingest", str(ledger_file), "--no-progress"]):
        code, _, err = run(capsys, *argv, "--db", db)
        assert code == 4 and "9999_from_the_future" in one_line(err) and "newer" in err


@pytest.mark.parametrize("url", ["mysql://u@h/db", "oracle://h/x", "mssql+pyodbc://h/x"])
def test_an_unsupported_database_is_one_line_and_exit_2(capsys, url):
    code, _, err = run(capsys, "stats", "--db", url)
    assert code == 2 and "not supported" in one_line(err)


@pytest.mark.parametrize("every", ["nan", "inf", "-inf", "-5m", "0", "0s", "nanm", "1e400s", "400d"])
def test_watch_refuses_periods_that_are_not_a_positive_time(capsys, tmp_path, ledger_file, every):
    target = tmp_path / "l.sqlite"
    code, _, err = run(capsys, "watch", str(ledger_file), "--every", every, "--rounds", "2", "--db", str(target))
    assert code == 2 and "--every" in one_line(err)
    assert not target.exists()


# 19 ----------------------------------------------------------------- read commands make no ledger

READS = [["search", "road"], ["claims"], ["story", "Police"], ["export", "jsonl"], ["stats"], ["link"]]


@pytest.mark.parametrize("command", READS)
def test_read_commands_on_a_mistyped_db_make_nothing(capsys, tmp_path, command):
    typo = tmp_path / "no" / "such" / "ledger.sqlite"
    code, out, err = run(capsys, *command, "--db", str(typo))
    assert code == 3 and out == ""
    assert one_line(err) == f"claimgraph: error: no ledger at {typo} (ingest something first)"
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(InputError, match="no ledger at"):
        getattr(ledger, command[0])(*command[1:], db=str(typo))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(bool(PG_SKIP), reason=PG_SKIP or "")
def test_read_commands_on_an_empty_postgresql_schema_make_nothing(capsys):
    with postgres_schema() as url:
        code, _, err = run(capsys, "stats", "--db", url)
        assert code == 3 and "no ledger at" in one_line(err)
        engine = sa.create_engine(normalise_url(url))
        with engine.connect() as conn:
            assert sa.inspect(conn).get_table_names() == []
        engine.dispose()


# 20 ----------------------------------------------------------------- command-line corners


@pytest.fixture
def small(tmp_path):
    db = str(tmp_path / "l.sqlite")
    fill(
        db,
        [
            claim("drones hit a hoax depot", url="https://n.example/1", published="2024-12-08"),
            claim("drones hit a depot", source="Ukraine", cue="denied", published="2024-12-09"),
        ],
    )
    return db


def test_a_query_may_start_with_a_dash(capsys, small):
    code, out, err = run(capsys, "search", "-hoax", "drones", "--db", small, "--format", "json")
    assert code == 0, err
    assert [r["content"] for r in json.loads(out)] == ["drones hit a depot"]
    code, out, _ = run(capsys, "search", "--db", small, "drones", "-hoax", "--limit", "5", "--format=json")
    assert [r["content"] for r in json.loads(out)] == ["drones hit a depot"]
    code, out, _ = run(capsys, "claims", "--query", "-hoax drones", "--db", small, "--format", "json")
    assert code == 0 and len(json.loads(out)) == 1
    code, _, err = run(capsys, "search", "--db", small, "--", "-hoax")
    assert code == 2 and "at least one word" in one_line(err)  # the query, read as one, not as options


def test_nothing_found_is_said(capsys, small):
    code, out, err = run(capsys, "search", "nothing-like-it", "--db", small, "--format", "jsonl")
    assert (code, out, err) == (0, "", "claimgraph: no claims match\n")
    code, out, _ = run(capsys, "search", "nothing-like-it", "--db", small, "--format", "pretty")
    assert code == 0 and out.strip() == "no claims match"
    code, out, err = run(capsys, "story", "Nobody", "--db", small, "--format", "pretty")
    assert code == 0 and out.strip() == "no story for 'Nobody'"


def test_a_bad_since_names_the_option(capsys, small):
    code, _, err = run(capsys, "claims", "--since", "tomorrow", "--db", small)
    line = one_line(err)
    assert code == 2 and "--since tomorrow" in line and "from:" not in line
    with pytest.raises(UsageError, match="since='tomorrow'"):
        ledger.claims(db=small, since="tomorrow")


def test_missing_values_print_as_a_dash_not_none(capsys, small):
    for argv in (["stats"], ["story", "drones"], ["search", "drones"], ["link"]):
        code, out, err = run(capsys, *argv, "--db", small, "--format", "pretty")
        assert code == 0, err
        assert "None" not in out
    code, out, _ = run(capsys, "story", "drones", "--db", small, "--format", "pretty")
    assert "also: article 2 (Ukraine)" in out


def test_the_query_section_documents_the_limits():
    doc = (Path(__file__).resolve().parent.parent / "docs" / "ledger.md").read_text(encoding="utf-8")
    section = doc[doc.index("### Search") : doc.index("### Export")]
    for number in (f"{MAX_QUERY_CHARS:,}", str(MAX_TERMS), str(MAX_FILTERS)):
        assert number in section
    assert "no ledger at" in doc


@pytest.mark.skipif(bool(PG_SKIP), reason=PG_SKIP or "")
def test_a_postgresql_ledger_of_the_old_search_is_upgraded_in_place_and_back():
    from alembic import command
    from alembic.config import Config

    from claimgraph.store import _MIGRATIONS, upgrade

    def stored_not(conn) -> bool:
        return conn.exec_driver_sql("SELECT tsv @@ to_tsquery('simple', 'not') FROM claims").scalar_one()

    with postgres_schema() as url, open_store(url, migrate=False) as store:
        upgrade(store.engine, "0002")
        with store.engine.begin() as conn:
            add_records(conn, [Record(claim("the report is not fake"), "t0")])
            assert not stored_not(conn)  # 'english' dropped the "not"
        upgrade(store.engine)  # the stored claims are cut again
        assert [r["content"] for r in ledger.search('"not fake"', db=store)] == ["the report is not fake"]
        config = Config()
        config.set_main_option("script_location", str(_MIGRATIONS))
        with store.engine.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "0002")
            assert not stored_not(conn)
        upgrade(store.engine)
        assert len(ledger.search("fake", db=store)) == 1
