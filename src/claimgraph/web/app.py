"""The FastAPI app: server-rendered pages with JSON twins, and the API, whose
endpoints are the `claimgraph.ledger` functions with the same names and
parameters (`GET /api/search?query=...&limit=20` is `ledger.search(query, limit=20)`).
"""

from __future__ import annotations

import io
import tempfile
import threading
import time
from datetime import date
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlencode, urlsplit

from fastapi import FastAPI, File, Form, Header, Query, Request, UploadFile
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from claimgraph import ledger
from claimgraph.config import VERSION, Settings
from claimgraph.errors import ClaimgraphError, UsageError
from claimgraph.ingest.articles import parse_date
from claimgraph.store import Store, open_store
from claimgraph.store.export import BINARY, FORMATS
from claimgraph.web import data, pages
from claimgraph.web.errors import log, problem, status_of
from claimgraph.web.jobs import Jobs
from claimgraph.web.security import HEADERS, Guard, bearer, key_ok

HERE = Path(__file__).parent
CACHE_SECONDS = 300.0  # a whole-ledger aggregate is recomputed at most this often, and whenever the ledger changes
MEDIA = {
    "jsonl": "application/jsonl",
    "csv": "text/csv",
    "parquet": "application/vnd.apache.parquet",
    "geojson": "application/geo+json",
    "claimreview": "application/ld+json",
}
Limit = Annotated[int, Query(ge=1, le=500)]
Text = Annotated[str, Query(max_length=1000)]


class IngestBody(BaseModel):
    """One article for `POST /api/ingest`: its text, or a URL to fetch."""

    text: str | None = Field(None, max_length=1_000_000)
    url: str | None = Field(None, max_length=2048)
    title: str | None = Field(None, max_length=1000)
    published: date | None = None


def create_app(
    db: str | Store | None = None, *, settings: Settings | None = None, analyzer=None, fetcher=None
) -> FastAPI:
    """The app over the ledger `db` (a URL, a SQLite path, an open Store, or
    None for the default ledger). Writing (ingest) is on only when
    `settings.api_keys` holds a key; the ledger is made only then."""
    settings = settings or (analyzer.settings if analyzer else Settings())
    store = db if isinstance(db, Store) else open_store(db or settings.db, create=bool(settings.api_keys))
    app = FastAPI(
        title="claimgraph",
        version=VERSION,
        description="Who claims what happened, when and where: the ledger over HTTP.",
        docs_url=None,
        redoc_url=None,
    )
    app.state.store, app.state.settings = store, settings
    app.state.jobs = Jobs(store, analyzer, settings, fetcher)
    app.add_middleware(Guard)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    templates = Jinja2Templates(directory=HERE / "templates")
    templates.env.globals.update(link=link, href=href, version=VERSION, check_available=pages.check_available)
    templates.env.filters["n"] = lambda v: f"{v:,}" if isinstance(v, int) else v
    cache = _Cache(store)
    # what serve() computes in the background before the first visitor asks
    app.state.warm = lambda: (
        cache.get("sources", lambda: data.sources(store)),
        cache.get("stats", lambda: ledger.stats(db=store)),
    )

    def respond(request: Request, template: str, payload: dict, status: int = 200) -> Response:
        if wants_json(request):
            return JSONResponse(jsonable_encoder(_public(payload)), status_code=status)
        return templates.TemplateResponse(
            request, template, {"d": payload, "writable": bool(settings.api_keys)}, status_code=status
        )

    def both(path: str, **kw):
        """A page at `path` and its JSON twin at `path.json` (registered first,
        so /articles/7.json is never read as an article id)."""

        def register(fn):
            app.get(path + ".json", include_in_schema=False, **kw)(fn)
            app.get(path, **kw)(fn)
            return fn

        return register

    # ---- pages -------------------------------------------------------------------------------------------

    @both("/", response_class=HTMLResponse, summary="Home: the search box, the ledger's figures, the newest claims")
    def home(request: Request, q: Text = "", limit: Limit = 20):
        payload = pages.search(store, q, limit)
        payload["stats"] = cache.get("stats", lambda: ledger.stats(db=store))
        return respond(request, "search.html", payload)

    @both("/search", response_class=HTMLResponse, summary="Claims matching a query, with facets and volume")
    def search_page(request: Request, q: Text = "", limit: Limit = 20):
        return respond(request, "search.html", pages.search(store, q, limit))

    @both("/articles/{article_id}", response_class=HTMLResponse, summary="An article with its claims marked")
    def article_page(request: Request, article_id: int):
        return respond(request, "article.html", pages.article(store, article_id))

    @both("/story", response_class=HTMLResponse, summary="The claim board of an entity or a query")
    def story_page(request: Request, q: Text = "", limit: Limit = 100):
        return respond(request, "story.html", pages.story(store, q, limit))

    @both("/check", response_class=HTMLResponse, summary="Check a claim against the ledger")
    def check_page(request: Request, claim: Text = "", query: Text = "", limit: Limit = 50):
        return respond(request, "check.html", pages.check(store, claim, query, limit))

    @both("/map", response_class=HTMLResponse, summary="Places and located events of a query")
    def map_page(request: Request, q: Text = ""):
        return respond(request, "map.html", pages.map_page(store, q))

    @both("/entities/{entity_id}", response_class=HTMLResponse, summary="An entity across articles")
    def entity_page(request: Request, entity_id: int):
        return respond(request, "entity.html", pages.entity(store, entity_id))

    @both("/sources", response_class=HTMLResponse, summary="Outlets and speakers: corroborated, contradicted")
    def sources_page(request: Request):
        return respond(request, "sources.html", cache.get("sources", lambda: data.sources(store)))

    @both("/ingest", response_class=HTMLResponse, summary="The ingest form (writing needs an API key)")
    def ingest_form(request: Request):
        return respond(request, "ingest.html", {"enabled": bool(settings.api_keys), "job": None, "error": None})

    @app.post("/ingest", response_class=HTMLResponse, summary="Ingest pasted text, a URL or a file (form)")
    def ingest_post(
        request: Request,
        text: Annotated[str, Form(max_length=1_000_000)] = "",
        url: Annotated[str, Form(max_length=2048)] = "",
        title: Annotated[str, Form(max_length=1000)] = "",
        published: Annotated[str, Form(max_length=40)] = "",
        api_key: Annotated[str, Form(max_length=512)] = "",
        file: Annotated[UploadFile | None, File()] = None,
        authorization: Annotated[str | None, Header()] = None,
    ):
        _authorise(settings, bearer(authorization) or api_key)
        upload = None
        if file is not None and file.filename:
            upload = (file.filename, file.file.read())
        job = app.state.jobs.submit(
            text=text or None,
            url=url or None,
            upload=upload,
            title=title or None,
            published=parse_date(published.strip() or None, "published"),
        )
        return RedirectResponse(f"/ingest/jobs/{job.id}", status_code=303)

    @both("/ingest/jobs/{job_id}", response_class=HTMLResponse, summary="How an ingest job is going")
    def job_page(request: Request, job_id: str):
        job = app.state.jobs.get(job_id)
        if job is None:
            raise HTTPException(404, f"no ingest job {job_id}")
        if job.state == "done" and job.articles and not wants_json(request):
            return RedirectResponse(f"/articles/{job.articles[0]}", status_code=303)
        return respond(request, "ingest.html", {"enabled": True, "job": job.to_dict(), "error": job.error})

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def docs(request: Request):
        return templates.TemplateResponse(request, "docs.html", {"d": {"api": app.openapi()}, "writable": False})

    # ---- the API: the ledger functions -------------------------------------------------------------------

    @app.get("/api/search", tags=["api"], summary="ledger.search: claims matching a query, newest first")
    def api_search(query: Text = "", limit: Limit = 20) -> list[dict]:
        return jsonable_encoder(ledger.search(query, db=store, limit=limit))

    @app.get("/api/claims", tags=["api"], summary="ledger.claims: claims filtered")
    def api_claims(
        contradicted: bool = False,
        source: Annotated[str | None, Query(max_length=200)] = None,
        entity: Annotated[str | None, Query(max_length=200)] = None,
        since: Annotated[str | None, Query(max_length=10)] = None,
        query: Text = "",
        limit: Limit = 50,
    ) -> list[dict]:
        rows = ledger.claims(
            db=store, contradicted=contradicted, source=source, entity=entity, since=since, query=query, limit=limit
        )
        return jsonable_encoder(rows)

    @app.get("/api/story", tags=["api"], summary="ledger.story: an entity or a query as a timeline of clusters")
    def api_story(subject: Annotated[str, Query(min_length=1, max_length=1000)], limit: Limit = 500) -> list[dict]:
        return jsonable_encoder(ledger.story(subject, db=store, limit=limit))

    if pages.check_available():

        @app.get("/api/check", tags=["api"], summary="ledger.check: evidence for and against claims")
        def api_check(
            claims: Annotated[list[str], Query(min_length=1, max_length=20)],
            query: Text = "",
        ) -> list[dict]:
            if any(len(c) > 1000 for c in claims):
                raise UsageError("a claim to check has at most 1,000 characters")
            return jsonable_encoder(ledger.check(claims, db=store, query=query))

    @app.get("/api/export", tags=["api"], summary="ledger.export: claims, places and events, or clusters")
    def api_export(format: Literal[FORMATS], query: Text = ""):  # type: ignore[valid-type]
        spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (the response streams it, then it is dropped)
        out = spool if format in BINARY else io.TextIOWrapper(spool, encoding="utf-8", newline="", write_through=True)
        ledger.export(format, out, db=store, query=query)
        if out is not spool:
            out.detach()
        spool.seek(0)
        name = f"claims.{ {'claimreview': 'jsonld'}.get(format, format) }"
        return StreamingResponse(
            iter(lambda: spool.read(65536), b""),
            media_type=MEDIA[format],
            headers={"content-disposition": f'attachment; filename="{name}"'},
            background=None,
        )

    @app.get("/api/stats", tags=["api"], summary="ledger.stats: what the ledger holds")
    def api_stats() -> dict:
        return ledger.stats(db=store)

    @app.post("/api/ingest", tags=["api"], summary="ledger.ingest: store one article (needs Authorization: Bearer KEY)")
    def api_ingest(body: IngestBody, authorization: Annotated[str | None, Header()] = None, wait: bool = True) -> dict:
        _authorise(settings, bearer(authorization))
        job = app.state.jobs.submit(text=body.text, url=body.url, title=body.title, published=body.published, wait=wait)
        return job.to_dict()

    _handlers(app, templates)
    return app


def _authorise(settings: Settings, key: str | None) -> None:
    if not settings.api_keys:
        raise HTTPException(403, "writing is off: no API key is configured (set CLAIMGRAPH_API_KEYS)")
    if not key_ok(key, settings.api_keys):
        raise HTTPException(401, "a valid API key is needed: send Authorization: Bearer KEY")


def wants_json(request: Request) -> bool:
    path = request.url.path
    if path.startswith("/api/") or path.endswith(".json"):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def _public(payload: dict) -> dict:
    # the page-only parts (runs of text, chart geometry) stay out of the JSON twin
    return {k: v for k, v in payload.items() if k not in ("blocks", "chart", "db_ids")}


def link(path: str, **params) -> str:
    """A URL of ours with its query string; empty values left out."""
    kept = {k: v for k, v in params.items() if v not in (None, "")}
    return f"{path}?{urlencode(kept)}" if kept else path


def href(url: str | None) -> str | None:
    """An article's URL as a link only when it is http(s): never javascript:, data: or the like."""
    if not url:
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in ("http", "https") else None


class _Cache:
    """Whole-ledger aggregates, kept until the ledger changes (data.version) or
    CACHE_SECONDS pass. One request computes a value at a time (the sources
    of a 1M-claim ledger take seconds); the others wait for it, or get the
    value before it while it is being recomputed."""

    def __init__(self, store: Store):
        self.store, self.kept, self.locks = store, {}, {}
        self.guard = threading.Lock()

    def get(self, name: str, compute):
        version = data.version(self.store)
        hit = self.kept.get(name)
        if self._fresh(hit, version):
            return hit[2]
        with self.guard:
            lock = self.locks.setdefault(name, threading.Lock())
        if not lock.acquire(blocking=hit is None):
            return hit[2]  # being recomputed: the value before is good meanwhile
        try:
            hit = self.kept.get(name)
            if self._fresh(hit, version):
                return hit[2]
            value = compute()
            self.kept[name] = (version, time.monotonic(), value)
            return value
        finally:
            lock.release()

    @staticmethod
    def _fresh(hit, version) -> bool:
        return bool(hit) and hit[0] == version and time.monotonic() - hit[1] < CACHE_SECONDS


def _handlers(app: FastAPI, templates: Jinja2Templates) -> None:
    def answer(request: Request, status: int, detail: str) -> Response:
        if wants_json(request) or request.method != "GET":
            resp: Response = JSONResponse(
                problem(status, detail), status_code=status, media_type="application/problem+json"
            )
        else:
            resp = templates.TemplateResponse(
                request, "error.html", {"d": problem(status, detail), "writable": False}, status_code=status
            )
        for name, value in HEADERS:  # a 500 is answered outside the middleware that adds them
            resp.headers.setdefault(name.decode(), value.decode())
        return resp

    @app.exception_handler(ClaimgraphError)
    async def ours(request: Request, exc: ClaimgraphError):
        return answer(request, status_of(exc), str(exc))

    @app.exception_handler(HTTPException)
    async def http(request: Request, exc: HTTPException):
        detail = exc.detail if isinstance(exc.detail, str) else "not found" if exc.status_code == 404 else "refused"
        resp = answer(request, exc.status_code, detail)
        if exc.status_code == 401:
            resp.headers["www-authenticate"] = "Bearer"
        return resp

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        parts = []
        for err in exc.errors()[:3]:
            where = ".".join(str(x) for x in err.get("loc", ()) if x not in ("query", "body", "path"))
            parts.append(f"{where}: {err.get('msg', 'invalid')}" if where else err.get("msg", "invalid"))
        return answer(request, 422, "; ".join(parts) or "invalid request")

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception):
        log.error("internal error on %s %s", request.method, request.url.path, exc_info=exc)
        return answer(request, 500, "an internal error; the server log has the details")
