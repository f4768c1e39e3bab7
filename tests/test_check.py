"""Claim check: ledger.check() and `claimgraph check`, on SQLite and PostgreSQL, with bad inputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claimgraph import ledger
from claimgraph.cli import main
from claimgraph.errors import UsageError
from claimgraph.store import open_store
from claimgraph.store.testing import make_analysis, postgres_available, postgres_schema
from claimgraph.store.write import Record, add_records

PG_SKIP = postgres_available()
CLAIM = "A fire destroyed the fuel depot in Kalen"


def articles():
    return [
        make_analysis(
            "Port officials said a fire destroyed the fuel depot in Kalen on Tuesday night.",
            [("Port officials", "said", "a fire destroyed the fuel depot in Kalen on Tuesday night")],
            entities=[("Kalen", "GPE")],
            url="https://a.example/depot",
            publisher="Alpha",
            published="2025-03-04",
            title="Depot burns",
        ),
        make_analysis(
            "The harbour master denied that a fire destroyed the fuel depot in Kalen, calling the story a hoax "
            "with no evidence behind it.",
            [("The harbour master", "denied", "a fire destroyed the fuel depot in Kalen", "denied")],
            entities=[("Kalen", "GPE")],
            url="https://b.example/hoax",
            publisher="Beta",
            published="2025-03-05",
            title="Harbour master: no fire",
        ),
        # no stored claim: found by its body alone (the articles' full-text index, migration 0006)
        make_analysis(
            "Smoke hung over the harbour on Wednesday. A fire destroyed the fuel depot in Kalen overnight.",
            url="https://d.example/body",
            publisher="Delta",
            published="2025-03-05",
        ),
        make_analysis(
            "The city council said the new library would open in the spring after a long delay.",
            [("The city council", "said", "the new library would open in the spring after a long delay")],
            url="https://c.example/library",
            publisher="Gamma",
            published="2025-03-06",
            title="Library",
        ),
    ]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def store(request, tmp_path_factory):
    if request.param == "sqlite":
        s = open_store(str(tmp_path_factory.mktemp("check") / "l.sqlite"))
        _fill(s)
        yield s
        s.close()
        return
    if PG_SKIP:
        pytest.skip(PG_SKIP)
    with postgres_schema() as url, open_store(url) as s:
        _fill(s)
        yield s


def _fill(store):
    with store.engine.begin() as conn:
        add_records(conn, [Record(a, f"t{i}") for i, a in enumerate(articles())])
    ledger.relink(db=store)


def test_check_lists_the_articles_that_address_the_claim(store):
    rows = ledger.check(CLAIM, db=store)
    urls = {r["url"] for r in rows}
    assert "https://c.example/library" not in urls  # about something else: not listed
    assert "https://a.example/depot" in urls
    for r in rows:
        assert r["claim"] == CLAIM and r["stance"] in ("supports", "refutes", "discusses")
        assert r["reason"] and "\n" not in r["reason"]
        assert r["evidence"], r
        for e in r["evidence"]:
            text = next(a.text for a in articles() if a.url == r["url"])
            assert text[e["start"] : e["end"]] == e["text"]  # offsets point into the article's text
        assert isinstance(r["group"], int)


def test_the_hoax_article_does_not_support(store):
    rows = {r["url"]: r for r in ledger.check(CLAIM, db=store)}
    hoax = rows.get("https://b.example/hoax")
    assert hoax is not None and hoax["stance"] != "supports"
    assert any(e["status"] == "denied" for e in hoax["evidence"])


def test_an_article_is_found_by_its_body_where_no_claim_holds_the_words(store):
    rows = {r["url"]: r for r in ledger.check(CLAIM, db=store)}
    assert "https://d.example/body" in rows
    assert all(e["kind"] == "sentence" for e in rows["https://d.example/body"]["evidence"])


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_ledger_from_before_the_body_index_gets_its_articles_indexed(backend, tmp_path):
    from contextlib import nullcontext

    from claimgraph.store import upgrade

    if backend == "postgresql" and PG_SKIP:
        pytest.skip(PG_SKIP)
    tables = ("articles", "analyses", "entities", "claims", "events", "relations")
    with postgres_schema() if backend == "postgresql" else nullcontext(str(tmp_path / "old.sqlite")) as url:
        with open_store(url, migrate=False) as s:
            upgrade(s.engine, "0005")
            with s.engine.begin() as conn:  # at 0005 there is no body index to fill
                add_records(conn, [Record(a, f"t{i}") for i, a in enumerate(articles())])
            before = {name: s.count(name) for name in tables}
        with open_store(url) as s:  # opening migrates: 0006 indexes the stored articles, losing nothing
            assert {name: s.count(name) for name in tables} == before
            assert "https://d.example/body" in {r["url"] for r in ledger.check(CLAIM, db=s)}


def test_query_narrows_the_candidates(store):
    rows = ledger.check(CLAIM, db=store, query="from:2025-03-05")
    assert "https://a.example/depot" not in {r["url"] for r in rows}


def test_common_words_bring_the_latest_articles_that_hold_them_all(store, monkeypatch):
    from claimgraph.ledger import claim_check
    from claimgraph.store.search import Query

    ranked = claim_check.candidates(store, CLAIM, Query(), 50)
    # every word of the claim in at least one row: all common, none ranked (as on a large ledger)
    monkeypatch.setattr(claim_check, "COMMON", 1)
    monkeypatch.setattr(claim_check._Index, "ranked", None)  # not called
    latest = claim_check.candidates(store, CLAIM, Query(), 50)
    assert len(latest) == 3 and set(latest) == set(ranked)  # each of the three holds every word
    urls = {r["url"] for r in ledger.check(CLAIM, db=store)}
    assert {"https://a.example/depot", "https://d.example/body"} <= urls


def test_several_claims_keep_their_words(store):
    odd = "  fuel depot in KALEN burned?  "
    rows = ledger.check([CLAIM, odd], db=store)
    assert {r["claim"] for r in rows} <= {CLAIM, odd}
    assert any(r["claim"] == odd for r in rows)


@pytest.mark.parametrize("bad", ["", "   ", ["ok claim", ""], "fire\x00depot"])
def test_bad_claims_are_usage_errors(store, bad):
    with pytest.raises(UsageError):
        ledger.check(bad, db=store)


def test_a_query_that_does_not_parse(store):
    with pytest.raises(UsageError):
        ledger.check(CLAIM, db=store, query="colour:red fire")


@pytest.fixture
def ledger_file(tmp_path):
    path = tmp_path / "l.sqlite"
    with open_store(str(path)) as s:
        _fill(s)
    return path


def test_cli_jsonl_one_object_per_claim_and_article(ledger_file, capsys):
    assert main(["check", CLAIM, "--db", str(ledger_file), "--format", "jsonl"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert rows and all({"claim", "id", "stance"} <= set(r) for r in rows)
    assert all(r["claim"] == CLAIM for r in rows)


def test_cli_pretty_board(ledger_file, capsys):
    assert main(["check", CLAIM, "--db", str(ledger_file), "--format", "pretty"]) == 0
    out = capsys.readouterr().out
    for side in ("SUPPORTS", "REFUTES", "DISCUSSES"):
        assert side in out
    assert "independent" in out


def test_cli_claims_file(ledger_file, tmp_path, capsys):
    f = tmp_path / "claims.txt"
    f.write_text(f"{CLAIM}\n\nthe library opens in spring\n", encoding="utf-8")
    assert main(["check", "--claims", str(f), "--db", str(ledger_file), "--format", "jsonl"]) == 0
    claims = {json.loads(line)["claim"] for line in capsys.readouterr().out.splitlines()}
    assert CLAIM in claims


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "--format", "jsonl"],  # no claim
        ["check", "", "--format", "jsonl"],
        ["check", CLAIM, "--query", "colour:red"],
        ["check", CLAIM, "--limit", "0"],
    ],
)
def test_cli_bad_inputs_are_one_line(ledger_file, capsys, argv):
    assert main([*argv, "--db", str(ledger_file)]) != 0
    err = capsys.readouterr().err.strip()
    assert err and "\n" not in err and "Traceback" not in err


def test_cli_claims_file_that_is_not_text(ledger_file, tmp_path, capsys):
    f = tmp_path / "claims.bin"
    f.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe")
    assert main(["check", "--claims", str(f), "--db", str(ledger_file)]) != 0
    err = capsys.readouterr().err.strip()
    assert "not" in err and "\n" not in err


def test_a_missing_ledger_is_not_made(tmp_path, capsys):
    path = tmp_path / "none.sqlite"
    assert main(["check", CLAIM, "--db", str(path)]) != 0
    assert not Path(path).exists()
    assert "\n" not in capsys.readouterr().err.strip()


# articles about something else that share one of the claim's words: the retrieval brings them in
OFF_TOPIC = [
    make_analysis(
        "The club said it would fire its coach after a fourth defeat in a row, supporters said on Sunday.",
        [("The club", "said", "it would fire its coach after a fourth defeat in a row")],
        url="https://e.example/coach",
        publisher="Epsilon",
        published="2025-03-07",
    ),
    make_analysis(
        "The minister said fuel prices would rise again in the spring, blaming a weaker currency.",
        [("The minister", "said", "fuel prices would rise again in the spring")],
        url="https://f.example/prices",
        publisher="Zeta",
        published="2025-03-07",
    ),
]


def test_an_article_about_something_else_that_shares_a_word_is_not_listed(tmp_path):
    with open_store(str(tmp_path / "off.sqlite")) as s:
        with s.engine.begin() as conn:
            add_records(conn, [Record(a, f"t{i}") for i, a in enumerate([articles()[0], *OFF_TOPIC])])
        ledger.relink(db=s)
        from claimgraph.ledger.claim_check import candidates
        from claimgraph.store.search import Query

        assert len(candidates(s, CLAIM, Query(), 50)) == 3  # all three are read: the gate, not retrieval, decides
        urls = {r["url"] for r in ledger.check(CLAIM, db=s)}
    assert "https://a.example/depot" in urls
    assert not urls & {a.url for a in OFF_TOPIC}
