"""Property-based: every read endpoint of the OpenAPI schema, called with
values its schema allows (and some it does not), answers without a 5xx.
Brief in `make test` (a few examples an endpoint); HYPOTHESIS_PROFILE=fuzz runs longer."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the web app needs fastapi (pip install -e .)")
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimgraph.config import Settings
from claimgraph.store import open_store
from claimgraph.store.testing import make_analysis
from claimgraph.store.write import Record, add_records
from claimgraph.web.app import create_app


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    store = open_store(str(tmp_path_factory.mktemp("schema") / "s.sqlite"))
    a = make_analysis(
        "Officials said the port at Varna was closed on Monday.",
        [("Officials", "said", "the port at Varna was closed on Monday")],
        entities=[("Varna", "GPE")],
        published="2025-01-02",
        publisher="Alpha",
        url="https://a.example/1",
    )
    with store.engine.begin() as conn:
        add_records(conn, [Record(a, "test")])
    with TestClient(create_app(store, settings=Settings(api_keys=())), raise_server_exceptions=False) as c:
        yield c


def _reads(client) -> list[tuple[str, list[dict]]]:
    spec = client.get("/openapi.json").json()
    return [(path, ops["get"].get("parameters", [])) for path, ops in spec["paths"].items() if "get" in ops]


TEXT = st.text(max_size=40) | st.sampled_from(
    ['"port"', "status:denied", "from:2025-13", "-x", "source:", "entity:Varna", "type:ASSAULT"]
)


def _value(schema: dict):
    kinds = {s.get("type") for s in schema.get("anyOf", [schema])}
    if "enum" in schema:
        return st.sampled_from(schema["enum"]) | TEXT
    if "integer" in kinds:
        return st.integers(-5, 1000) | TEXT
    if "boolean" in kinds:
        return st.booleans() | TEXT
    return TEXT


def test_the_schema_lists_every_page_and_api_read(client):
    paths = {p for p, _ in _reads(client)}
    assert {"/", "/search", "/story", "/check", "/map", "/sources", "/api/search", "/api/stats", "/api/export"} <= paths


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_no_read_endpoint_answers_5xx(client, data):
    path, params = data.draw(st.sampled_from(_reads(client)))
    query = {}
    for p in params:
        if p["in"] == "path":
            path = path.replace(
                "{" + p["name"] + "}", str(data.draw(st.integers(-3, 5) | st.sampled_from(["x", "1.json"])))
            )
        elif p["in"] == "query" and (p.get("required") or data.draw(st.booleans())):
            query[p["name"]] = data.draw(_value(p["schema"]))
    r = client.get(path, params=query)
    assert r.status_code < 500, (path, query, r.text[:300])
