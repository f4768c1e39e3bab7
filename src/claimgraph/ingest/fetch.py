"""Polite, safe URL fetching.

- Safe: http and https only; the host is resolved first and every address
  checked, then the connection goes to the checked address (so a second DNS
  answer cannot swap in a private one); private, loopback, link-local and
  reserved addresses are refused unless allowed; every redirect hop is
  checked the same way; bodies over a size cap are refused. HTTPS sends the
  host name as SNI and verifies the certificate against that name (never the
  address connected to); a certificate that fails is refused at once, with
  OpenSSL's reason, and not retried.
- Polite: a user agent that names the tool, robots.txt honoured (cached per
  host), a minimum delay between requests to one host, retries with
  exponential back-off on time-outs, 429 and 5xx.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
import urllib.robotparser
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from claimgraph.config import VERSION
from claimgraph.errors import InputError

USER_AGENT = f"claimgraph/{VERSION} (+https://github.com/claimgraph; news claim ledger)"
MAX_BYTES = 10 * 1024 * 1024
TIMEOUT = 15.0
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass
class Response:
    url: str  # after redirects
    status: int
    content_type: str
    body: bytes
    etag: str | None = None
    last_modified: str | None = None
    location: str | None = None  # of a redirect


@dataclass
class Fetcher:
    """allow_private: True lets requests reach any address; an iterable of IP
    addresses allows just those (tests use the loopback server this way).
    ssl_context: the trust store and TLS settings for https (default: the
    system's, ssl.create_default_context()); it must verify certificates and
    host names, so a context that does not is refused."""

    allow_private: bool | Iterable[str] = False
    timeout: float = TIMEOUT
    max_bytes: int = MAX_BYTES
    retries: int = 2
    backoff: float = 1.0  # seconds before the first retry, doubling
    delay: float = 1.0  # seconds between requests to one host
    user_agent: str = USER_AGENT
    max_redirects: int = 5
    ssl_context: ssl.SSLContext = field(default_factory=ssl.create_default_context)
    _robots: dict[str, urllib.robotparser.RobotFileParser | None] = field(default_factory=dict)
    _last: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.allow_private, bool):
            self.allow_private = frozenset(str(ipaddress.ip_address(a)) for a in self.allow_private)
        if self.ssl_context.verify_mode != ssl.CERT_REQUIRED or not self.ssl_context.check_hostname:
            raise ValueError("Fetcher.ssl_context must verify certificates and host names")

    # --------------------------------------------------------------- public

    def fetch(self, url: str, etag: str | None = None, last_modified: str | None = None) -> Response:
        """GET `url` (following checked redirects); raises InputError with the reason."""
        if not self.robots_allow(url):
            raise InputError(f"{url}: disallowed by robots.txt")
        headers = {"If-None-Match": etag, "If-Modified-Since": last_modified}
        return self._get(url, {k: v for k, v in headers.items() if v})

    def robots_allow(self, url: str) -> bool:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            parser: urllib.robotparser.RobotFileParser | None = None
            try:
                resp = self._get(origin + "/robots.txt", {}, retries=0)
                if resp.status == 200:
                    parser = urllib.robotparser.RobotFileParser()
                    parser.parse(resp.body.decode("utf-8", "replace").splitlines())
            except InputError:
                parser = None  # no readable robots.txt: everything is allowed
            self._robots[origin] = parser
        parser = self._robots[origin]
        return parser is None or parser.can_fetch(self.user_agent, url)

    # -------------------------------------------------------------- plumbing

    def _get(self, url: str, headers: dict[str, str], retries: int | None = None) -> Response:
        retries = self.retries if retries is None else retries
        for _ in range(self.max_redirects + 1):
            resp = self._with_retries(url, headers, retries)
            if resp.status in (301, 302, 303, 307, 308):
                if not resp.location:
                    raise InputError(f"{url}: redirect without a Location")
                url = urljoin(url, resp.location)  # checked again on the next hop
                continue
            return resp
        raise InputError(f"{url}: more than {self.max_redirects} redirects")

    def _with_retries(self, url: str, headers: dict[str, str], retries: int) -> Response:
        wait = self.backoff
        for attempt in range(retries + 1):
            try:
                resp = self._request(url, headers)
            except TimeoutError:
                if attempt == retries:
                    raise InputError(f"{url}: timed out after {self.timeout:g} s") from None
            except ssl.SSLCertVerificationError as exc:  # the same certificate next time: no retry
                reason = (exc.verify_message or exc.reason or str(exc)).rstrip(".")
                raise InputError(f"{url}: TLS certificate refused for {urlsplit(url).hostname} ({reason})") from None
            except (ConnectionError, http.client.HTTPException, ssl.SSLError, OSError) as exc:
                if attempt == retries:
                    raise InputError(f"{url}: cannot fetch ({type(exc).__name__}: {exc})") from None
            else:
                if resp.status not in RETRY_STATUSES or attempt == retries:
                    return resp
            time.sleep(wait)
            wait *= 2
        raise AssertionError("unreachable")

    def _request(self, url: str, headers: dict[str, str]) -> Response:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InputError(f"{url}: only http and https URLs can be fetched")
        host, port = parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)
        address = self._checked_address(url, host, port)
        self._wait_turn(host)
        if parts.scheme == "https":
            conn: http.client.HTTPConnection = _PinnedHTTPS(host, port, address, self.timeout, self.ssl_context)
        else:
            conn = http.client.HTTPConnection(address, port, timeout=self.timeout)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            conn.request(
                "GET",
                path,
                headers={
                    "Host": parts.netloc.rpartition("@")[2],  # never the user:password part
                    "User-Agent": self.user_agent,
                    "Accept": "text/html,application/xhtml+xml,application/rss+xml,"
                    "application/atom+xml,application/xml,text/plain;q=0.8",
                    "Accept-Encoding": "identity",
                    **headers,
                },
            )
            r = conn.getresponse()
            if r.status in (301, 302, 303, 307, 308):
                return Response(url, r.status, "", b"", location=r.getheader("Location"))
            length = r.getheader("Content-Length")
            if length and length.isdigit() and int(length) > self.max_bytes:
                raise InputError(f"{url}: {int(length):,} bytes is over the size cap of {self.max_bytes:,}")
            body = r.read(self.max_bytes + 1)
            if len(body) > self.max_bytes:
                raise InputError(f"{url}: over the size cap of {self.max_bytes:,} bytes")
            return Response(
                url,
                r.status,
                (r.getheader("Content-Type") or "").lower(),
                body,
                r.getheader("ETag"),
                r.getheader("Last-Modified"),
            )
        finally:
            conn.close()

    def _checked_address(self, url: str, host: str, port: int) -> str:
        """Resolve, then refuse if any answer is an address we must not reach."""
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise InputError(f"{url}: cannot resolve {host} ({exc.strerror})") from None
        addresses = [info[4][0] for info in infos]
        for a in addresses:
            ip = ipaddress.ip_address(a.split("%")[0])
            if _forbidden(ip) and not (
                self.allow_private is True
                or (isinstance(self.allow_private, frozenset) and str(ip) in self.allow_private)
            ):
                raise InputError(f"{url}: refused, {host} resolves to a private or reserved address ({ip})")
        return addresses[0]

    def _wait_turn(self, host: str) -> None:
        last = self._last.get(host)
        if last is not None and self.delay > 0:
            pause = self.delay - (time.monotonic() - last)
            if pause > 0:
                time.sleep(pause)
        self._last[host] = time.monotonic()


def _forbidden(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


class _PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to an address already checked, with SNI and certificate checks for the host name."""

    def __init__(self, host: str, port: int, address: str, timeout: float, context: ssl.SSLContext):
        super().__init__(host, port, timeout=timeout, context=context)
        self._address = address
        self._pinned_context = context

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._pinned_context.wrap_socket(sock, server_hostname=self.host)
