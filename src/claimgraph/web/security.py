"""The app's guards: security headers with a strict Content-Security-Policy,
a request size limit, and bearer keys for the write endpoints."""

from __future__ import annotations

import hmac

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# The ingest's own cap on one input (ingest/fetch.py MAX_BYTES), plus room for a multipart envelope.
MAX_BODY = 10 * 1024 * 1024 + 64 * 1024

# Only our own files run and style the pages: no inline script or style, no
# frames, no plugins, forms post only here, nothing loaded from elsewhere.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


class TooLarge(Exception):
    """A request body over MAX_BODY."""


class Guard:
    """ASGI middleware: the headers on every response; a body over `max_body`
    refused with 413, by its Content-Length or, when it has none, as it streams in."""

    def __init__(self, app: ASGIApp, max_body: int = MAX_BODY):
        self.app, self.max_body = app, max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []), *(h for h in HEADERS if h[0] not in names)]
            await send(message)

        length = dict(scope.get("headers", [])).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            await _too_large(send_with_headers, self.max_body)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_body:
                raise TooLarge
            return message

        try:
            await self.app(scope, counted, send_with_headers)
        except TooLarge:
            await _too_large(send_with_headers, self.max_body)


async def _too_large(send: Send, limit: int) -> None:
    from claimgraph.web.errors import problem_body

    body = problem_body(413, f"the request is larger than the {limit:,} bytes accepted")
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/problem+json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


def key_ok(given: str | None, keys: tuple[str, ...]) -> bool:
    """Whether `given` is one of `keys`, compared in constant time (every key is
    compared, so the time says nothing about which one came close)."""
    if not given or not keys:
        return False
    token = given.encode()
    found = False
    for key in keys:
        found |= hmac.compare_digest(token, key.encode())
    return found


def bearer(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer TOKEN` header."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None
