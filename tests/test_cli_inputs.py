"""`claimgraph analyze` reads its inputs as `claimgraph ingest` does: one
reader (`claimgraph.ingest.sources.expand`) for text, HTML, JSON Lines,
folders and standard input."""

from __future__ import annotations

import json
import subprocess
import sys

from claimgraph import SCHEMA_ID
from claimgraph.cli import main

PAGE = b"""<!doctype html>
<html lang="en"><head><title>Port of Tartous reopens</title>
<script>var note = "The spokesman said the script was running.";</script>
<style>.x { color: red }</style></head>
<body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/subscribe">Subscribe now</a></nav>
<article>
<h1>Port of Tartous reopens</h1>
<p>The harbour authority said the port of Tartous reopened on Monday after a week of repairs.</p>
<p>Shipping agents said that three vessels were waiting to unload grain and fuel.</p>
<p>Officials denied that the repairs had been paid for by a foreign government.</p>
</article>
<footer>Example News. All rights reserved.</footer>
</body></html>
"""
CLAIMS = [
    "the port of Tartous reopened on Monday after a week of repairs",
    "three vessels were waiting to unload grain and fuel",
    "the repairs had been paid for by a foreign government",
]


def cli(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "claimgraph.cli", *args], input=stdin, capture_output=True, timeout=300
    )


def test_an_html_page_gives_claims_from_its_article_text_not_its_markup(tmp_path, capsys):
    page = tmp_path / "page.html"
    page.write_bytes(PAGE)
    assert main(["analyze", str(page), "--published", "2025-03-14", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["schema"] == SCHEMA_ID and doc["title"] == "Port of Tartous reopens"
    assert doc["published"] == "2025-03-14"  # the page has no date of its own
    for markup in ("<", "script was running", "Subscribe", "color: red", "rights reserved"):
        assert markup not in doc["text"]
    assert [c["content"]["text"] for c in doc["claims"]] == CLAIMS
    assert [c["status"] for c in doc["claims"]] == ["reported", "reported", "denied"]
    for claim in doc["claims"]:  # offsets point into the extracted text
        span = claim["content"]
        assert doc["text"][span["start"] : span["end"]] == span["text"]


def test_standard_input_is_sniffed_and_a_text_there_has_no_id():
    proc = cli("analyze", "-", "--format", "jsonl", stdin=PAGE)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["id"] is None and [c["content"]["text"] for c in doc["claims"]] == CLAIMS


def test_json_lines_from_standard_input_name_their_bad_lines():
    lines = json.dumps({"id": "a1", "text": "The mayor said the port was open."}) + "\n{broken\n"
    proc = cli("analyze", "--input", "-", "--format", "jsonl", stdin=lines.encode())
    assert proc.returncode == 3
    err = [line for line in proc.stderr.decode().splitlines() if line.strip()]
    assert len(err) == 1 and err[0].startswith("claimgraph: error: -:2: malformed JSON"), err
    assert [json.loads(line)["id"] for line in proc.stdout.decode().splitlines()] == ["a1"]


def test_a_folder_and_ready_analyses_in_input_order(tmp_path, capsys):
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "a.txt").write_text("The ministry said the road was open.")
    (folder / "b.html").write_bytes(PAGE)
    assert main(["analyze", str(folder), "--format", "jsonl"]) == 0
    docs = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [d["id"] for d in docs] == [str(folder / "a.txt"), None]
    assert [c["content"]["text"] for c in docs[1]["claims"]] == CLAIMS

    # an analysis line is analysed again from its text and metadata, as it always was
    ready = tmp_path / "ready.jsonl"
    ready.write_text(json.dumps(docs[0]) + "\n")
    assert main(["analyze", "--input", str(ready), "--format", "jsonl"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert (again["id"], again["text"], again["claims"]) == (docs[0]["id"], docs[0]["text"], docs[0]["claims"])
