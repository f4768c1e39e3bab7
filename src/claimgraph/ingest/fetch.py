"""Polite, safe URL fetching.

- Safe: http and https only, every URL through `check_url` (the host in its
  IDNA form, no user:password); the host is resolved first and every address
  checked, then the connection goes to the checked address (so a second DNS
  answer cannot swap in a private one); private, loopback, link-local and
  reserved addresses are refused unless allowed, and so are IPv6 addresses
  that carry one (IPv4-mapped, 6to4, Teredo, NAT64); every redirect hop is
  checked the same way; bodies over a size cap are refused. HTTPS sends the
  host name as SNI and verifies the certificate against that name (never the
  address connected to); a certificate that fails is refused at once, with
  OpenSSL's reason, and not retried.
- Bounded: `timeout` is a deadline for the whole fetch (robots.txt,
  redirects, retries, resolving the host, connecting and every byte), not
  per read, so a server that trickles, or a DNS server that never answers,
  cannot hold a fetch open past it.
- Polite: a user agent that names the tool, robots.txt honoured on every hop
  (cached per origin; as RFC 9309 says, one that answers 4xx means "fetch
  anything", and one that answers 5xx or 429 or cannot be reached (a refused
  or dropped connection, a time-out) means "fetch nothing", asked again after
  `ROBOTS_RECHECK`), a minimum delay between requests to one host, retries with
  exponential back-off on time-outs, 429 and 5xx. A Retry-After up to
  `max_retry_after` seconds is waited out once, then the request is retried;
  a longer one is refused with the time the server asks us to come back.
"""

from __future__ import annotations

import http.client
import io
import ipaddress
import socket
import ssl
import threading
import time
import urllib.robotparser
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from claimgraph.config import VERSION
from claimgraph.errors import InputError
from claimgraph.text.identity import check_url

USER_AGENT = f"claimgraph/{VERSION} (+https://github.com/claimgraph; news claim ledger)"
MAX_BYTES = 10 * 1024 * 1024
TIMEOUT = 15.0  # seconds: the deadline for a whole fetch
MAX_RETRY_AFTER = 30.0  # seconds: the longest Retry-After a fetch waits out
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECTS = frozenset({301, 302, 303, 307, 308})
ROBOTS_TTL = 24 * 3600.0  # RFC 9309: a robots.txt is kept for a day at most
ROBOTS_RECHECK = 300.0  # a robots.txt that answered 5xx, or could not be reached, is asked again after this
# IPv6 ranges whose last 32 bits are an IPv4 address that a gateway would reach
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")
_LOCAL_NAT64 = ipaddress.ip_network("64:ff9b:1::/48")  # RFC 8215: local use, whatever it carries


@dataclass
class Response:
    url: str  # after redirects
    status: int
    content_type: str
    body: bytes
    etag: str | None = None
    last_modified: str | None = None
    location: str | None = None  # of a redirect
    retry_after: str | None = None


class _Deadline:
    """When a fetch must be done by; a wait the server asked for (Retry-After) moves it on."""

    def __init__(self, seconds: float):
        self.at = time.monotonic() + seconds

    def left(self) -> float:
        return self.at - time.monotonic()

    def remaining(self) -> float:
        """Seconds left, for a socket time-out; TimeoutError when none are."""
        left = self.left()
        if left <= 0:
            raise TimeoutError("the fetch deadline has passed")
        return left

    def extend(self, seconds: float) -> None:
        self.at += seconds


@dataclass
class _Robots:
    """What one origin's robots.txt says, until `until` (monotonic time)."""

    rules: urllib.robotparser.RobotFileParser | None  # None: everything is allowed
    refusal: str | None  # set: nothing may be fetched (robots.txt answered 5xx or 429)
    until: float


@dataclass
class Fetcher:
    """allow_private: True lets requests reach any address; an iterable of IP
    addresses allows just those (tests use the loopback server this way).
    ssl_context: the trust store and TLS settings for https (default: the
    system's, ssl.create_default_context()); it must verify certificates and
    host names, so a context that does not is refused.
    timeout: seconds for a whole fetch, robots.txt, redirects and retries
    included. max_retry_after: the longest Retry-After waited out (once)."""

    allow_private: bool | Iterable[str] = False
    timeout: float = TIMEOUT
    max_bytes: int = MAX_BYTES
    retries: int = 2
    backoff: float = 1.0  # seconds before the first retry, doubling
    delay: float = 1.0  # seconds between requests to one host
    user_agent: str = USER_AGENT
    max_redirects: int = 5
    max_retry_after: float = MAX_RETRY_AFTER
    ssl_context: ssl.SSLContext = field(default_factory=ssl.create_default_context)
    _robots: dict[str, _Robots] = field(default_factory=dict)
    _last: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.allow_private, bool):
            self.allow_private = frozenset(str(ipaddress.ip_address(a)) for a in self.allow_private)
        if self.ssl_context.verify_mode != ssl.CERT_REQUIRED or not self.ssl_context.check_hostname:
            raise ValueError("Fetcher.ssl_context must verify certificates and host names")

    # --------------------------------------------------------------- public

    def fetch(self, url: str, etag: str | None = None, last_modified: str | None = None) -> Response:
        """GET `url` (following checked redirects); raises InputError with the reason."""
        url = check_url(url)
        deadline = _Deadline(self.timeout)
        refusal = self._robots_refusal(url, deadline)
        if refusal:
            raise InputError(f"{url}: {refusal}")
        headers = {"If-None-Match": etag, "If-Modified-Since": last_modified}
        resp = self._get(url, {k: v for k, v in headers.items() if v}, deadline)
        pause = _retry_after(resp)
        if pause is not None:  # still busy after the one wait, or a wait over the cap
            raise InputError(self._come_back(resp, pause))
        return resp

    def robots_allow(self, url: str) -> bool:
        """May `url` be fetched? Not when robots.txt disallows it, answers 5xx or cannot be reached."""
        try:
            return self._robots_refusal(check_url(url), _Deadline(self.timeout)) is None
        except InputError:
            return False

    # -------------------------------------------------------------- plumbing

    def _robots_refusal(self, url: str, deadline: _Deadline) -> str | None:
        """Why robots.txt forbids `url` (a checked URL), or None when it may be fetched."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        robots = self._robots.get(origin)
        if robots is None or robots.until < time.monotonic():
            try:
                robots = self._robots[origin] = self._read_robots(origin, deadline)
            except _HostError as exc:
                raise _HostError(str(exc).replace(f"{origin}/robots.txt", url, 1)) from None
        if robots.refusal:
            return robots.refusal
        if robots.rules is not None and not robots.rules.can_fetch(self.user_agent, url):
            return "disallowed by robots.txt"
        return None

    def _read_robots(self, origin: str, deadline: _Deadline) -> _Robots:
        now = time.monotonic()
        try:
            resp = self._get(origin + "/robots.txt", {}, deadline, retries=0, robots=False)
        except _HostError:
            raise  # the page's own request would say the same: said as it is
        except InputError as exc:
            # RFC 9309 2.3.1.4: unreachable (a refused or dropped connection, a
            # time-out) means "assume complete disallow", like a server error
            cause = str(exc).removeprefix(f"{origin}/robots.txt: ")
            reason = f"refused, robots.txt unreachable ({cause}), which means fetch nothing (try again later)"
            return _Robots(None, reason, now + ROBOTS_RECHECK)
        if resp.status >= 500 or resp.status == 429:
            # RFC 9309 2.3.1.4: a server error means "assume complete disallow"
            reason = f"refused, robots.txt answered HTTP {resp.status}, which means fetch nothing (try again later)"
            return _Robots(None, reason, now + ROBOTS_RECHECK)
        rules = None  # 4xx: no robots.txt, everything is allowed
        if resp.status == 200:
            rules = urllib.robotparser.RobotFileParser()
            rules.parse(resp.body.decode("utf-8", "replace").splitlines())
        return _Robots(rules, None, now + ROBOTS_TTL)

    def _get(
        self, url: str, headers: dict[str, str], deadline: _Deadline, retries: int | None = None, robots: bool = True
    ) -> Response:
        retries = self.retries if retries is None else retries
        for _ in range(self.max_redirects + 1):
            resp = self._with_retries(url, headers, deadline, retries)
            if resp.status not in REDIRECTS:
                return resp
            if not resp.location:
                raise InputError(f"{url}: redirect without a Location")
            try:
                target = check_url(resp.location, base=url)
            except InputError as exc:
                raise InputError(f"{url}: redirect refused, {exc}") from None
            refusal = self._robots_refusal(target, deadline) if robots else None
            if refusal:
                raise InputError(f"{url}: redirected to {target}, {refusal}")
            url = target  # its address is checked on the next hop
        raise InputError(f"{url}: more than {self.max_redirects} redirects")

    def _with_retries(self, url: str, headers: dict[str, str], deadline: _Deadline, retries: int) -> Response:
        wait, waited_out = self.backoff, False
        for attempt in range(retries + 1):
            last = attempt == retries
            try:
                resp = self._request(url, headers, deadline)
            except TimeoutError:
                failure = f"{url}: timed out (no whole answer within the {self.timeout:g} s deadline)"
            except ssl.SSLCertVerificationError as exc:  # the same certificate next time: no retry
                reason = (exc.verify_message or exc.reason or str(exc)).rstrip(".")
                raise _HostError(f"{url}: TLS certificate refused for {urlsplit(url).hostname} ({reason})") from None
            except (ConnectionError, http.client.HTTPException, ssl.SSLError, OSError) as exc:
                failure = f"{url}: cannot fetch ({type(exc).__name__}: {exc})"
            else:
                if resp.status not in RETRY_STATUSES or last:
                    return resp
                pause = _retry_after(resp)
                if pause is not None:
                    if waited_out or pause > self.max_retry_after:
                        return resp  # `fetch` says when to come back
                    waited_out = True
                    time.sleep(pause)
                    deadline.extend(pause)  # waiting as asked is not the server holding us up
                    continue
                if wait >= deadline.left():
                    return resp
                time.sleep(wait)
                wait *= 2
                continue
            if last or wait >= deadline.left():
                raise InputError(failure)
            time.sleep(wait)
            wait *= 2
        raise AssertionError("unreachable")

    def _come_back(self, resp: Response, pause: float) -> str:
        at = datetime.now(UTC) + timedelta(seconds=min(pause, 3650 * 86400.0))
        return (
            f"{resp.url}: HTTP {resp.status}, the server asks to retry after {at:%Y-%m-%d %H:%M:%S} UTC "
            f"(in {pause:,.0f} s; a fetch waits out {self.max_retry_after:g} s at most, once)"
        )

    def _request(self, url: str, headers: dict[str, str], deadline: _Deadline) -> Response:
        parts = urlsplit(url)  # a checked URL: an ASCII host, no user:password
        host, port = parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)
        address = self._checked_address(url, host, port, deadline)
        self._wait_turn(host)
        context = self.ssl_context if parts.scheme == "https" else None
        conn = _PinnedConnection(host, port, address, deadline, context)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            conn.request(
                "GET",
                path,
                headers={
                    "Host": parts.netloc,
                    "User-Agent": self.user_agent,
                    "Accept": "text/html,application/xhtml+xml,application/rss+xml,"
                    "application/atom+xml,application/xml,text/plain;q=0.8",
                    "Accept-Encoding": "identity",
                    **headers,
                },
            )
            r = conn.getresponse()
            if r.status in REDIRECTS:
                return Response(url, r.status, "", b"", location=r.getheader("Location"))
            length = r.getheader("Content-Length")
            if length and length.isdigit() and int(length) > self.max_bytes:
                raise InputError(f"{url}: {int(length):,} bytes is over the size cap of {self.max_bytes:,}")
            body = r.read(self.max_bytes + 1)
            if len(body) > self.max_bytes:
                raise InputError(f"{url}: over the size cap of {self.max_bytes:,} bytes")
            if r.length:  # bytes the Content-Length promised that never came: retried like a dropped connection
                raise http.client.IncompleteRead(body, r.length)
            return Response(
                url,
                r.status,
                (r.getheader("Content-Type") or "").lower(),
                body,
                r.getheader("ETag"),
                r.getheader("Last-Modified"),
                retry_after=r.getheader("Retry-After"),
            )
        finally:
            conn.close()

    def _checked_address(self, url: str, host: str, port: int, deadline: _Deadline) -> str:
        """Resolve (by the deadline), then refuse if any answer is an address we must not reach."""
        try:
            infos = _resolve(host, port, deadline)
        except socket.gaierror as exc:
            raise _HostError(f"{url}: cannot resolve {host} ({exc.strerror})") from None
        except TimeoutError:
            raise _HostError(f"{url}: timed out resolving {host} (the fetch deadline is {self.timeout:g} s)") from None
        addresses = [info[4][0] for info in infos]
        for a in addresses:
            ip = ipaddress.ip_address(a.split("%")[0])
            if _forbidden(ip) and not (
                self.allow_private is True
                or (isinstance(self.allow_private, frozenset) and str(ip) in self.allow_private)
            ):
                raise _HostError(f"{url}: refused, {host} resolves to a private or reserved address ({ip})")
        return addresses[0]

    def _wait_turn(self, host: str) -> None:
        last = self._last.get(host)
        if last is not None and self.delay > 0:
            pause = self.delay - (time.monotonic() - last)
            if pause > 0:
                time.sleep(pause)
        self._last[host] = time.monotonic()


class _HostError(InputError):
    """The host itself is refused: it does not resolve (in time), resolves to
    an address we must not reach, or its certificate fails. Said as it is,
    even when robots.txt asked, since the page would answer the same."""


def _resolve(host: str, port: int, deadline: _Deadline) -> list:
    """socket.getaddrinfo, given what is left of the deadline: the system
    resolver takes no time-out (a dead DNS server holds it 5 s a try, several
    tries), so it runs in a thread of its own, left to finish in the
    background when the deadline passes first (TimeoutError)."""
    done: dict[str, object] = {}

    def work() -> None:
        try:
            done["infos"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except BaseException as exc:  # handed to the caller's thread
            done["error"] = exc

    worker = threading.Thread(target=work, name=f"resolve {host}", daemon=True)
    worker.start()
    worker.join(deadline.remaining())
    if worker.is_alive():
        raise TimeoutError(host)
    if "error" in done:
        raise done["error"]  # type: ignore[misc]
    return done["infos"]  # type: ignore[return-value]


def _retry_after(resp: Response) -> float | None:
    """Seconds a 429 or 503 asks us to wait (Retry-After: seconds or an HTTP date); None if it does not say."""
    value = (resp.retry_after or "").strip()
    if resp.status not in (429, 503) or not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


IP = ipaddress.IPv4Address | ipaddress.IPv6Address


def _forbidden(ip: IP) -> bool:
    """Not a public address, or an IPv6 one that carries a non-public IPv4
    address (6to4, Teredo, NAT64, IPv4-compatible) that a gateway would reach."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        return _not_public(ip.ipv4_mapped)  # the IPv4 address itself, in IPv6 dress
    return any(_not_public(a) for a in _carried(ip))


def _carried(ip: IP) -> list[IP]:
    found: list[IP] = [ip]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.sixtofour:
            found.append(ip.sixtofour)
        found.extend(ip.teredo or ())  # (server, client)
        if ip in _NAT64 or ip in _IPV4_COMPATIBLE:
            found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return found


def _not_public(ip: IP) -> bool:
    return (
        ip in _LOCAL_NAT64
        or ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


class _PinnedConnection(http.client.HTTPConnection):
    """HTTP(S) to an address already checked; with a TLS context, SNI and
    certificate checks are for the host name, never the address. Every send
    and receive must end by the fetch's deadline."""

    def __init__(self, host: str, port: int, address: str, deadline: _Deadline, context: ssl.SSLContext | None):
        super().__init__(host, port)
        self._address, self._deadline, self._context = address, deadline, context

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self._deadline.remaining())
        try:
            if self._context is not None:
                sock.settimeout(self._deadline.remaining())  # the handshake as a whole
                sock = self._context.wrap_socket(sock, server_hostname=self.host)
        except BaseException:
            sock.close()
            raise
        self.sock = _DeadlineSocket(sock, self._deadline)


class _DeadlineSocket:
    """A socket whose time-out is set afresh, to what is left of the deadline,
    before every send and receive: a server that trickles a byte at a time
    cannot keep a fetch going past the deadline, as a per-read time-out lets it.
    Like a socket, it stays open until the files made from it are closed too
    (http.client closes the connection before it reads a closing answer's body)."""

    def __init__(self, sock: socket.socket, deadline: _Deadline):
        self._sock, self._deadline = sock, deadline
        self._readers, self._closed = 0, False

    def sendall(self, data: bytes) -> None:
        self._sock.settimeout(self._deadline.remaining())
        self._sock.sendall(data)

    def recv_into(self, buffer) -> int:
        self._sock.settimeout(self._deadline.remaining())
        return self._sock.recv_into(buffer)

    def makefile(self, mode: str = "rb", *args, **kwargs) -> io.BufferedReader:
        self._readers += 1
        return io.BufferedReader(_Reader(self))

    def close(self) -> None:
        self._closed = True
        if self._readers <= 0:
            self._sock.close()

    def reader_closed(self) -> None:
        self._readers -= 1
        if self._closed and self._readers <= 0:
            self._sock.close()

    def __getattr__(self, name: str):
        return getattr(self._sock, name)


class _Reader(io.RawIOBase):
    """What http.client reads a response from: every read through the deadline."""

    def __init__(self, sock: _DeadlineSocket):
        self._sock = sock

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        return self._sock.recv_into(buffer)

    def close(self) -> None:
        if not self.closed:
            self._sock.reader_closed()
        super().close()
