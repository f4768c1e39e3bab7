"""The command line, end to end, including every kind of bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from claimgraph import SCHEMA_ID
from claimgraph.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "port-ceasefire.txt"


def cli(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "claimgraph.cli", *args], input=stdin, capture_output=True, timeout=300
    )


def one_line_error(proc: subprocess.CompletedProcess) -> str:
    err = proc.stderr.decode()
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("claimgraph: error: ")
    return lines[0]


def test_json_for_one_file(capsys):
    assert main(["analyze", str(EXAMPLE), "--published", "2025-03-14", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["schema"] == SCHEMA_ID
    assert doc["published"] == "2025-03-14"
    assert doc["text"] == EXAMPLE.read_text(encoding="utf-8")
    assert any(c["kind"] == "direct" for c in doc["claims"])
    assert any(r["type"] == "contradicts" for r in doc["relations"])


def test_markdown_from_standard_input():
    proc = cli("analyze", "-", "--format", "markdown", stdin=EXAMPLE.read_bytes())
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.decode()
    assert "## Claims by source" in out and "Idris Kalen" in out


def test_pretty_report_groups_claims_by_source(capsys):
    assert main(["analyze", str(EXAMPLE), "--format", "pretty"]) == 0
    out = capsys.readouterr().out
    assert "Northern Front" in out and "denied" in out and "claims (" in out


def test_jsonl_batch_keeps_ids_and_order_with_two_jobs(tmp_path):
    texts = [f"Officials in town {i} said the bridge number {i} was closed." for i in range(12)]
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps({"id": f"a{i}", "text": t}) for i, t in enumerate(texts)) + "\n")
    proc = cli("analyze", "--input", str(src), "--format", "jsonl", "--jobs", "2")
    assert proc.returncode == 0, proc.stderr
    docs = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert [d["id"] for d in docs] == [f"a{i}" for i in range(12)]
    assert all(d["text"] == t for d, t in zip(docs, texts, strict=True))


def test_malformed_jsonl_line_is_reported_and_the_rest_analysed(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(
        json.dumps({"id": "good1", "text": "The mayor said the port was open."}) + "\n"
        "{not json\n" + json.dumps({"id": "good2", "text": "Police said two men were arrested."}) + "\n"
    )
    proc = cli("analyze", "--input", str(src), "--format", "jsonl")
    assert proc.returncode == 3
    assert f"{src}:2: malformed JSON" in one_line_error(proc)
    assert [json.loads(line)["id"] for line in proc.stdout.decode().splitlines()] == ["good1", "good2"]


def test_legacy_encodings_are_detected(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes(
        "Le ministre a déclaré que la frontière était fermée. The minister said the café was closed.".encode("cp1252")
    )
    proc = cli("analyze", str(path), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert "café" in json.loads(proc.stdout)["text"]


@pytest.mark.parametrize(
    "name,data,message",
    [
        ("empty.txt", b"   \n", "empty input"),
        ("binary.bin", bytes(range(256)) * 8, "binary data"),
    ],
)
def test_bad_files_exit_3_with_one_line(tmp_path, name, data, message):
    path = tmp_path / name
    path.write_bytes(data)
    proc = cli("analyze", str(path), "--format", "json")
    assert proc.returncode == 3
    assert message in one_line_error(proc)
    assert proc.stdout == b""


def test_missing_file_exit_3():
    proc = cli("analyze", "/no/such/article.txt")
    assert proc.returncode == 3
    assert "no such file" in one_line_error(proc)


def test_text_over_the_limit_is_refused(tmp_path):
    path = tmp_path / "long.txt"
    path.write_text("The mayor said the port was open. " * 40)
    proc = cli("analyze", str(path), "--max-chars", "500")
    assert proc.returncode == 3
    assert "over the limit of 500" in one_line_error(proc)


def test_twenty_megabytes_are_refused_quickly(tmp_path):
    path = tmp_path / "huge.txt"
    path.write_text("Officials said the port was open. " * 620_000)  # about 21 MB
    proc = cli("analyze", str(path), "--format", "json")
    assert proc.returncode == 3
    assert "--max-chars" in one_line_error(proc)


def test_unparseable_published_is_a_usage_error():
    proc = cli("analyze", str(EXAMPLE), "--published", "next tuesday")
    assert proc.returncode == 2
    assert "not an ISO date" in one_line_error(proc)


def test_unknown_option_is_a_usage_error():
    proc = cli("analyze", "--colour")
    assert proc.returncode == 2
    one_line_error(proc)


def test_bad_file_in_a_batch_does_not_stop_the_good_ones(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("The ministry said the road was open.")
    proc = cli("analyze", "/no/such.txt", str(good), "--format", "jsonl")
    assert proc.returncode == 3
    one_line_error(proc)
    assert json.loads(proc.stdout)["id"] == str(good)


def test_missing_model_is_reported_not_raised():
    proc = cli("analyze", str(EXAMPLE), "--model", "no_such_spacy_model")
    assert proc.returncode == 4
    assert "not installed" in one_line_error(proc)


def test_schema_command_prints_the_published_schema():
    proc = cli("schema")
    assert proc.returncode == 0
    assert json.loads(proc.stdout) == json.loads((ROOT / "schema" / "analysis.schema.json").read_text())


def test_events_csv_has_one_row_an_event(capsys):
    assert main(["analyze", str(EXAMPLE), "--published", "2025-03-14", "--format", "events-csv"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("id,date,")
    assert len(lines) > 3


def test_unicode_line_separators_stay_inside_one_jsonl_line(tmp_path):
    text = "The mayor said the port\u0085was open.\u2028Police said\u2029two men were held."
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "x", "text": text}, ensure_ascii=False) + "\n", encoding="utf-8")
    proc = cli("analyze", "--input", str(src), "--format", "jsonl")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.decode("utf-8").splitlines()  # splits on U+0085 and U+2028 too
    assert len(lines) == 1
    assert json.loads(lines[0])["text"] == text
