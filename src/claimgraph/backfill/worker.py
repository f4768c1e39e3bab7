"""One WARC's task on an executor: read it with the ingest readers (caps,
trafilatura, language), analyse with `analyse`, and write its rows as
Parquet, partitioned by publication month and language, committed by rename
so a retried task replaces, never duplicates, what a dead attempt left.

Ids are archive-wide and deterministic: an article is (WARC index << 24 |
its rank in the WARC), its entities, claims, events and relations (article
id << 16 | their rank), so id order is manifest order then file order, the
order a ledger ingest of the same WARCs stores them in; a load into a ledger
gives them the ledger's own ids."""

from __future__ import annotations

import json
import shutil
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from claimgraph.config import Settings
from claimgraph.errors import ResourceError
from claimgraph.ingest.items import Item, Options, finish
from claimgraph.ingest.warc import from_warc
from claimgraph.model import Analysis
from claimgraph.store.write import BANDS, NUM_PERM, Record, article_row, part_rows
from claimgraph.text import minhash

ARTICLE_BITS = 24  # articles a WARC (CC-NEWS WARCs hold about 30,000 records)
PART_BITS = 16  # entities, claims, events or relations an article
COUNTERS = ("pages", "kept", "analysed", "failed", "skipped")
UNKNOWN = "unknown"  # the partition of an article with no date, or no detected language

_ANALYZERS: dict = {}  # one per Python worker: spaCy and the resources load once, not per record or task


@dataclass(frozen=True)
class Task:
    out: str  # the output folder (absolute)
    settings: Settings = field(default_factory=Settings)
    options: Options = field(default_factory=Options)


def analyzer(settings: Settings):
    if settings not in _ANALYZERS:
        from claimgraph.analyse import Analyzer

        _ANALYZERS[settings] = Analyzer(settings).load()
    return _ANALYZERS[settings]


def done_path(out: str, index: int) -> Path:
    return Path(out) / "_done" / f"part-{index:06d}.json"


def run_warc(task: Task, index: int, source: str) -> dict[str, int]:
    """Process one WARC (skipped when an earlier run committed it); its counts.
    Whatever goes wrong on a page or a file becomes a failures row, never a
    failed task; a missing resource is the counts' "fatal" line, nothing committed."""
    marker = done_path(task.out, index)
    if marker.is_file():
        return json.loads(marker.read_text())
    now = datetime.now(UTC).isoformat(timespec="seconds")
    counts = dict.fromkeys(COUNTERS, 0)
    rows: dict[str, list[dict]] = {}
    failures: list[dict] = []
    try:
        items = _read(task, source, counts, failures)
        counts["kept"] = len(items)
        _analyse(task, index, items, rows, failures, now)
    except ResourceError as exc:  # no model, a missing fitted file: nothing on any page can go right
        return counts | {"fatal": str(exc)}
    except Exception as exc:  # a bug on hostile input: the WARC's rows so far are dropped, the job goes on
        rows.clear()
        failures.append({"origin": source, "reason": f"{source}: internal error: {type(exc).__name__}: {exc}"})
    counts["analysed"] = len(rows.get("articles", []))
    rows["failures"] = [{"id": (index << ARTICLE_BITS) + k, "at": now, **f} for k, f in enumerate(failures)]
    counts["failed"] = len(failures)
    _commit(task.out, index, rows, counts)
    return counts


def _read(task: Task, source: str, counts: dict, failures: list) -> list[Item]:
    items: list[Item] = []
    for raw in from_warc(Path(source), task.options):
        item = finish(raw, task.options)
        if item.origin != source:  # not the file's own failure (cut, unreadable): a page
            counts["pages"] += 1
        if item.error is not None:
            failures.append({"origin": item.origin, "reason": item.error})
        elif item.skipped is not None:
            counts["skipped"] += 1
        elif item.article is not None:
            items.append(item)
    return items


def _analyse(task: Task, index: int, items: list[Item], rows: dict, failures: list, now: str) -> None:
    from claimgraph.analyse.batch import analyze_items

    results = analyze_items((i.article for i in items), task.settings, 1, analyzer(task.settings))
    rank = 0
    for item, result in zip(items, results, strict=True):
        if result.error is not None:  # a page that crashed the analysis: a row, not a failed task
            failures.append({"origin": item.origin, "reason": result.error})
            continue
        analysis = Analysis.model_validate_json(result.json)
        rec = Record(analysis, item.origin, item.meta.get("author"), item.meta.get("language"))
        aid = (index << ARTICLE_BITS) + rank
        rank += 1
        sig = minhash.signature(minhash.shingles(analysis.text), NUM_PERM)
        # group_id is the article's own until the second stage groups copies (archive.py)
        rows.setdefault("articles", []).append(article_row(rec, sig, now, aid, aid) | {"revision": 1})
        rows.setdefault("analyses", []).append(
            {
                "article_id": aid,
                "schema": analysis.schema_,
                "model": analysis.model,
                "json": result.json,
                "origin": rec.origin,
                "author": rec.author,
                "language": rec.language,
            }
        )
        rows.setdefault("minhash_bands", []).extend(
            {"band": b, "article_id": aid} for b in minhash.band_keys(sig, BANDS)
        )
        parts = part_rows([(aid, analysis)], lambda _table, n, aid=aid: _ids(aid, n))
        for name in ("events", "relations"):  # the ledger numbers these where it inserts them
            for row, id_ in zip(parts[name], _ids(aid, len(parts[name])), strict=True):
                row["id"] = id_
        for name, part in parts.items():
            rows.setdefault(name, []).extend(part)


def _ids(aid: int, n: int) -> list[int]:
    if n >= 1 << PART_BITS:
        raise ValueError(f"more than {1 << PART_BITS} parts in one article")
    return [(aid << PART_BITS) + k for k in range(n)]


def article_of(table: str, row: dict) -> int | None:
    """The article a row belongs to (ids carry it: see the module's note); None for failures."""
    if table == "articles":
        return row["id"]
    if "article_id" in row:
        return row["article_id"]
    if table == "entity_keys":
        return row["entity_id"] >> PART_BITS
    if table == "claim_entities":
        return row["claim_id"] >> PART_BITS
    return None


def partition(article: dict) -> tuple[str, str]:
    """(month, language) of an article's rows: 2025-03 / en, or `UNKNOWN`."""
    published = article.get("published")
    month = published.strftime("%Y-%m") if published else UNKNOWN
    language = (article.get("language") or UNKNOWN).split("-")[0].lower()
    return month, language


def _commit(out: str, index: int, rows: dict[str, list[dict]], counts: dict) -> None:
    """Write every table to an attempt folder, then rename each file into place
    and write the done marker last: a task killed part-way leaves no marker,
    and its retry overwrites the same names."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from claimgraph.backfill.tables import TABLES, arrow_schema

    where = {a["id"]: partition(a) for a in rows.get("articles", [])}
    attempt = Path(out) / "_attempts" / f"{index:06d}-{uuid.uuid4().hex[:8]}"
    files: list[Path] = []
    for name in TABLES:
        by_part: dict[tuple[str, str] | None, list[dict]] = {}
        for row in rows.get(name, []):
            aid = article_of(name, row)
            by_part.setdefault(where[aid] if aid is not None else None, []).append(row)
        if name == "failures":
            by_part = {None: rows.get(name, [])}  # one file even when empty: the WARC's record of its failures
        for part, part_rows_ in by_part.items():
            folder = Path(name) if part is None else Path(name) / f"month={part[0]}" / f"language={part[1]}"
            (attempt / folder).mkdir(parents=True, exist_ok=True)
            pq.write_table(pa.Table.from_pylist(part_rows_, schema=arrow_schema(name)), attempt / folder / _file(index))
            files.append(folder / _file(index))
    for rel in files:
        target = Path(out) / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        (attempt / rel).replace(target)
    shutil.rmtree(attempt, ignore_errors=True)
    marker = done_path(out, index)
    marker.parent.mkdir(parents=True, exist_ok=True)
    tmp = marker.with_suffix(f".{uuid.uuid4().hex[:8]}.tmp")
    tmp.write_text(json.dumps(counts))
    tmp.replace(marker)


def _file(index: int) -> str:
    return f"part-{index:06d}.parquet"
