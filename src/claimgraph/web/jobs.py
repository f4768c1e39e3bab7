"""Ingest from the web: pasted text, an uploaded file or a URL, run through
the same `ledger.ingest` as the command line, one job at a time in a
background thread, with its progress readable while it runs.

A URL goes to `ledger.ingest` as the command line would pass it, so it is
fetched under the ingest's rules (robots.txt, time-outs, size cap, and no
private, loopback or link-local address: `allow_private` stays False).
"""

from __future__ import annotations

import tempfile
import threading
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

import sqlalchemy as sa

from claimgraph import ledger
from claimgraph.errors import ClaimgraphError, UsageError
from claimgraph.store import Store
from claimgraph.store import schema as t
from claimgraph.text.identity import content_hash

KEPT = 200  # finished jobs remembered, for their pages
# suffixes an upload keeps, so the ingest reads it as it would read the file
SUFFIXES = (".txt", ".html", ".htm", ".jsonl", ".json", ".xml", ".rss", ".atom", ".warc", ".gz", ".md")


@dataclass
class Job:
    id: str
    what: str
    state: str = "queued"  # queued, running, done, failed
    done: int = 0
    total: int = 0
    outcomes: list[str] = field(default_factory=list)
    articles: list[int] = field(default_factory=list)
    error: str | None = None
    summary: dict | None = None

    def to_dict(self) -> dict:
        return asdict(self)  # copies the lists: a page never sees a job change under it


class Jobs:
    """The ingest jobs of one app. One lock: the analyser and the SQLite writer
    are one each, so jobs run one after another."""

    def __init__(self, store: Store, analyzer=None, settings=None, fetcher=None):
        self.store, self.analyzer, self.settings, self.fetcher = store, analyzer, settings, fetcher
        self.jobs: dict[str, Job] = {}
        self._run = threading.Lock()
        self._table = threading.Lock()

    def get(self, job_id: str) -> Job | None:
        return self.jobs.get(job_id)

    def submit(
        self,
        *,
        text: str | None = None,
        url: str | None = None,
        upload: tuple[str, bytes] | None = None,
        title: str | None = None,
        published=None,
        wait: bool = False,
    ) -> Job:
        """Start ingesting one input; with `wait`, return once it is done."""
        given = [x for x in (text and text.strip(), url and url.strip(), upload) if x]
        if len(given) != 1:
            raise UsageError("give one of: text, a URL, or a file")
        job = Job(uuid.uuid4().hex[:16], "a URL" if url else "a file" if upload else "pasted text")
        with self._table:
            self.jobs[job.id] = job
            for old in list(self.jobs)[:-KEPT]:
                del self.jobs[old]
        args = (job, text, url and url.strip(), upload, title, published)
        if wait:
            self._work(*args)
        else:
            threading.Thread(target=self._work, args=args, daemon=True, name=f"ingest-{job.id}").start()
        return job

    def _work(self, job: Job, text, url, upload, title, published) -> None:
        with self._run, tempfile.TemporaryDirectory(prefix="claimgraph-web-") as folder:
            job.state = "running"
            try:
                source = url or self._file(Path(folder), text, upload, title)
                before = self._last_id()
                summary = ledger.ingest(
                    [source],
                    db=self.store,
                    published=published,
                    settings=self.settings,
                    analyzer=self._analyzer(),
                    fetcher=self.fetcher,
                    on_item=job.outcomes.append,
                    on_progress=lambda done, total: _progress(job, done, total),
                )
                job.summary = summary.to_dict()
                job.articles = self._new_ids(before) or self._known(Path(source).read_text("utf-8") if text else None)
                if summary.failed and not job.articles:
                    job.error = summary.failed[0][1]
                job.state = "failed" if job.error else "done"
            except ClaimgraphError as exc:
                job.error, job.state = str(exc), "failed"
            except Exception:  # a bug: logged with its traceback here, one line for the visitor
                from claimgraph.web.errors import log

                log.exception("ingest job %s failed", job.id)
                job.error, job.state = "the ingest failed (an internal error; see the server log)", "failed"

    def _analyzer(self):
        # spaCy loads once, on the first job, and is kept for the next ones
        if self.analyzer is None:
            from claimgraph.analyse import Analyzer

            self.analyzer = Analyzer(self.settings) if self.settings else Analyzer()
        return self.analyzer

    @staticmethod
    def _file(folder: Path, text, upload, title) -> str:
        if upload is not None:
            name, data = upload
            suffix = Path(name or "").suffix.lower()
            path = folder / f"upload{suffix if suffix in SUFFIXES else '.txt'}"
            path.write_bytes(data)
            return str(path)
        path = folder / "pasted.txt"
        body = f"{title.strip()}\n\n{text}" if title and title.strip() else text
        path.write_text(body, encoding="utf-8")
        return str(path)

    def _last_id(self) -> int:
        with self.store.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.max(t.articles.c.id))).scalar_one() or 0

    def _new_ids(self, before: int) -> list[int]:
        with self.store.engine.connect() as conn:
            rows = conn.execute(
                sa.select(t.articles.c.id).where(t.articles.c.id > before).order_by(t.articles.c.id).limit(100)
            ).all()
        return [r[0] for r in rows]

    def _known(self, text: str | None) -> list[int]:
        """A duplicate of a stored article: the one it duplicates, found by its text."""
        if not text:
            return []
        with self.store.engine.connect() as conn:
            found = conn.execute(
                sa.select(t.articles.c.id).where(t.articles.c.content_hash == content_hash(text))
            ).first()
        return [found[0]] if found else []


def _progress(job: Job, done: int, total: int) -> None:
    job.done, job.total = done, total
