"""Errors as RFC 9457 problem details (JSON) or a friendly page, never a traceback.

claimgraph's own errors carry a one-line message a user can act on, which is
shown; anything else is logged on the server and answered with a plain 500.
"""

from __future__ import annotations

import json
import logging

from claimgraph.errors import ClaimgraphError, InputError, ResourceError, UsageError

log = logging.getLogger("claimgraph.web")

TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    413: "Request too large",
    422: "Bad request",
    500: "Internal error",
    503: "The ledger is unavailable",
}


def status_of(exc: ClaimgraphError) -> int:
    if isinstance(exc, UsageError):
        return 400
    if isinstance(exc, InputError):
        return 404 if str(exc).startswith(("no article", "no entity", "no ledger")) else 400
    if isinstance(exc, ResourceError):
        return 503
    return 500


def problem(status: int, detail: str) -> dict:
    return {"type": "about:blank", "title": TITLES.get(status, "Error"), "status": status, "detail": detail}


def problem_body(status: int, detail: str) -> bytes:
    return json.dumps(problem(status, detail), ensure_ascii=False).encode()
