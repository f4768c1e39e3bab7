"""Hostile files: every case of the bad-input corpus (tests/badinputs.py)
through the one reader, then the findings one by one: decoding, NUL and lone
surrogates through both commands, WARC decompression caps, pathological
shapes, languages, and error lines that stay one short line."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

import badinputs
from badinputs import CORPUS, ENGLISH, GERMAN, BadInput
from claimgraph import ledger
from claimgraph.analyse import Analyzer
from claimgraph.errors import InputError, shown, shown_name
from claimgraph.ingest.articles import clean_text
from claimgraph.ingest.decode import decode_bytes
from claimgraph.ingest.items import Item, Options
from claimgraph.ingest.sources import expand
from claimgraph.store import open_store
from claimgraph.store import schema as t

UNCLEAN = re.compile("[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff]")
BY_NAME = {bad.name: bad for bad in CORPUS}


def read(bad: BadInput, folder: Path, **options) -> list[Item]:
    return list(expand([str(badinputs.write(bad, folder))], Options(**{**bad.options, **options})))


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "claimgraph.cli", *args], capture_output=True, timeout=300)


@pytest.mark.parametrize("bad", CORPUS, ids=[bad.name for bad in CORPUS])
def test_every_bad_input_gives_its_articles_and_one_short_line_per_failure(bad, tmp_path):
    started = time.perf_counter()
    items = read(bad, tmp_path)
    articles = [i.article for i in items if i.article is not None]
    failures = [i.error for i in items if i.error is not None]
    skipped = [i.skipped for i in items if i.skipped is not None]
    assert len(articles) == bad.articles, failures
    assert len(failures) == len(bad.says), failures
    for said, line in zip(bad.says, failures, strict=True):
        assert said in line
    assert len(skipped) == len(bad.skips), skipped
    for said, line in zip(bad.skips, skipped, strict=True):
        assert said in line
    for line in failures + skipped:  # one line, no control character, no echo of a long value
        assert not UNCLEAN.search(line) and "\n" not in line and len(line) < 500, line
    for a in articles:
        for value in (a.text, a.id, a.title, a.url, a.publisher):
            assert value is None or not UNCLEAN.search(value), value
    assert time.perf_counter() - started < 20  # the bombs and the big shapes are refused, not worked through


# ------------------------------------------------------------------ 12: decoding


def test_one_bad_byte_in_utf8_is_replaced_not_a_reason_for_a_code_page():
    text = decode_bytes(BY_NAME["utf8-one-bad-byte"].data)
    assert "“the border is closed”" in text and "\ufffd" in text
    assert "тА" not in text and "â€" not in text and "‚Äú" not in text


@pytest.mark.parametrize("name", ["utf16le-no-bom", "utf16be-no-bom", "utf16-bom", "utf32-bom"])
def test_utf16_and_32_with_and_without_a_bom_read_as_the_text(name, tmp_path):
    (item,) = read(BY_NAME[name], tmp_path)
    assert item.article is not None and item.article.text == ENGLISH


def test_legacy_code_pages_still_when_the_text_is_clearly_not_utf8():
    french = decode_bytes("Le ministre a déclaré que la frontière était fermée.".encode("cp1252"))
    assert "déclaré" in french and "était fermée" in french  # (a short text may still get è wrong)
    cyrillic = "Министр заявил, что граница закрыта до понедельника, сообщили в порту."
    assert decode_bytes(cyrillic.encode("cp1251")) == cyrillic


def test_the_cleaning_rule():
    assert clean_text("a\x00b\x07c\x1b[0m\x7f\x9bd") == "abc[0md"
    assert clean_text("a\x00b\x83c", " ") == "a b c"  # an article's text: one for one, so offsets hold
    assert clean_text("tab\tnew\nline\r\nnel\u0085") == "tab\tnew\nline\r\nnel\u0085"  # kept
    assert clean_text("page\x0cbreak\x0bhere") == "page\nbreak\nhere"
    assert clean_text("lone \ud800 and \udfff") == "lone \ufffd and \ufffd"
    assert clean_text("pair \ud83d\ude00") == "pair \U0001f600"  # two escapes of one character


# --------------------------------------------- 2/3: NUL and lone surrogates, both commands


def test_jsonl_with_nul_and_lone_surrogates_is_analysed(tmp_path):
    path = badinputs.write(BY_NAME["jsonl-nul-and-surrogates"], tmp_path)
    proc = cli("analyze", "--input", str(path), "--format", "jsonl")
    err = [line for line in proc.stderr.decode().splitlines() if line.strip()]
    assert "Traceback" not in proc.stderr.decode()
    assert proc.returncode == 3 and len(err) == 1 and "nul.jsonl:4: empty input" in err[0], err
    docs = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert [d["id"] for d in docs] == ["nulid", "lone", "pair"]
    assert docs[0]["title"] == "Title" and "\x00" not in docs[0]["text"]
    assert docs[1]["text"].endswith(" \ufffd") and docs[1]["publisher"] == "P\ufffdub"
    assert docs[2]["text"].endswith(" \U0001f600")


def test_jsonl_with_nul_and_lone_surrogates_is_stored(tmp_path):
    path = badinputs.write(BY_NAME["jsonl-nul-and-surrogates"], tmp_path)
    db = tmp_path / "l.sqlite"
    proc = cli("ingest", str(path), "--db", str(db), "--format", "json", "--no-link")
    assert "Traceback" not in proc.stderr.decode()
    summary = json.loads(proc.stdout)
    assert (summary["new"], [f["origin"] for f in summary["failed"]]) == (3, [f"{path}:4"])
    with open_store(str(db)) as store, store.engine.connect() as conn:
        rows = conn.execute(sa.select(t.articles.c.ext_id, t.articles.c.title, t.articles.c.author)).all()
    assert sorted(rows) == [("lone", None, None), ("nulid", "Title", None), ("pair", None, "Author")]


def test_ready_analyses_with_nul_are_stored_with_their_offsets(tmp_path):
    from claimgraph.store.testing import make_analysis

    doc = make_analysis(
        "Officials said the port\u0000 was closed.", [("Officials", "said", "the port\u0000 was closed")]
    )
    line = doc.to_json()
    assert "\\u0000" in line
    path = tmp_path / "analyses.jsonl"
    path.write_text(line + "\n" + line.replace("Officials said", "Officials\\ud800 said") + "\n")
    (ready, lone) = list(expand([str(path)]))
    assert ready.analysis is not None and "\x00" not in ready.analysis.text
    claim = ready.analysis.claims[0].content
    assert ready.analysis.text[claim.start : claim.end] == claim.text == "the port\ufffd was closed"
    assert lone.error is not None and "not a valid analysis" in lone.error


# ------------------------------------------------------------------ 7: WARC bombs


def test_a_warc_bomb_is_read_in_bounded_memory(tmp_path):
    import tracemalloc

    bomb = badinputs.warc(
        [("https://w.example/bomb", b"\0" * (60 * badinputs.MB), []), ("https://w.example/good", badinputs.page(), [])],
        gz=True,
    )
    assert len(bomb) < 100_000
    (tmp_path / "bomb.warc.gz").write_bytes(bomb)
    tracemalloc.start()
    try:
        items = list(expand([str(tmp_path / "bomb.warc.gz")], Options(warc_record_bytes=badinputs.MB)))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [i.error is None for i in items] == [False, True]
    assert peak < 15_000_000  # 60 MB were it read whole; a read decompresses to 4 MB at most


def test_the_default_caps_read_a_whole_warc(tmp_path):
    items = list(expand([str(badinputs.write(BY_NAME["warc-gz-record-bomb"], tmp_path))]))
    # 3 MB of zeros is under the default 10 MB: read, and refused for what it is
    assert "binary data" in (items[0].error or "") and items[1].error is None


# ------------------------------------------------------------------ 9: shapes


def test_many_tiny_paragraphs_are_refused_quickly_by_the_analyzer_too(analyzer):
    from claimgraph.model import Article

    started = time.perf_counter()
    with pytest.raises(InputError, match="100,000 lines is over the limit"):
        analyzer.analyze(Article(text="a\n\n" * 100_000))
    assert time.perf_counter() - started < 1


def test_the_parser_gets_at_most_max_parse_docs_lines(analyzer):
    from claimgraph.analyse.nlp import MAX_PARSE_DOCS, lines

    text = "".join(f"Line {i}.\n" + "\n" * (i % 3) for i in range(9_000))
    chunks = lines(text)
    assert "".join(chunks) == text and MAX_PARSE_DOCS // 2 < len(chunks) <= MAX_PARSE_DOCS
    assert lines("One.\n\nTwo.\nThree") == ["One.\n\n", "Two.\n", "Three"]  # few lines: one doc each
    doc = analyzer.analyze_many([__import__("claimgraph").Article(text=text)])
    assert next(doc).text == text  # offsets are still those of the input


# ------------------------------------------------------------------ 13: languages


def test_any_language_reads_and_labels_them(tmp_path):
    (page,) = read(BY_NAME["german-page"], tmp_path, languages=())
    assert page.article is not None and page.meta["language"] == "de"
    (mislabelled,) = read(BY_NAME["german-mislabelled-en"], tmp_path, languages=())
    assert mislabelled.meta["language"] == "de"  # the text says more than a template's lang attribute
    (short,) = read(BY_NAME["short-german-not-judged"], tmp_path)
    assert short.article is not None and short.meta["language"] is None


def test_languages_are_stored(tmp_path, analyzer):
    (tmp_path / "a.jsonl").write_text(
        "".join(
            json.dumps(o) + "\n"
            for o in (
                {"id": "plain", "text": ENGLISH},
                {"id": "tagged", "text": ENGLISH.replace("Monday", "Tuesday"), "language": "en-GB"},
                {"id": "junk", "text": ENGLISH.replace("Monday", "Friday"), "language": "x" * 40},
                {"id": "de", "text": GERMAN},
            )
        )
    )
    with open_store(str(tmp_path / "l.sqlite")) as store:
        summary = ledger.ingest([str(tmp_path / "a.jsonl")], db=store, analyzer=analyzer)
        with store.engine.connect() as conn:
            rows = dict(conn.execute(sa.select(t.articles.c.ext_id, t.articles.c.language)).all())
    assert rows == {"plain": "en", "tagged": "en-GB", "junk": "en"}
    assert summary.failed == [] and summary.exit_code == 0  # skipped by choice: no failure
    assert [reason for _, reason in summary.skipped] == [f"{tmp_path / 'a.jsonl'}:4: language de, the model reads en"]


# ------------------------------------------------------------------ 20: messages


def test_a_newline_in_a_file_name_cannot_forge_a_line(tmp_path):
    path = badinputs.write(BY_NAME["newline-in-file-name"], tmp_path)
    proc = cli("analyze", str(path), "--format", "jsonl")
    lines = [line for line in proc.stderr.decode().splitlines() if line.strip()]
    assert proc.returncode == 3 and len(lines) == 1, lines
    assert lines[0].endswith("forged\\nclaimgraph: error: forged.txt: empty input, nothing to analyse")


def test_quoted_values_and_names_are_escaped_and_cut():
    assert shown("x" * 38_000) == "x" * 79 + "…"
    assert shown("a\nb\x00c\u2028") == "a\\nb\\x00c\\u2028"
    name = shown_name("/data/" + "d" * 500 + "/article.txt")
    assert len(name) == 240 and name.startswith("/data/ddd") and name.endswith("dd/article.txt") and "…" in name
    item = Item("in\nput.txt", error="in\nput.txt: broken \x1b[31m red")
    assert (item.origin, item.error) == ("in\\nput.txt", "in\\nput.txt: broken \\x1b[31m red")


def test_a_long_value_is_quoted_short(tmp_path):
    (item,) = read(BY_NAME["long-value-in-json"], tmp_path)
    assert item.error is not None and len(item.error) < len(str(tmp_path)) + 160
    assert "xxxx…" in item.error


@pytest.fixture(scope="module")
def analyzer():
    return Analyzer().load()
