"""HTTPS fetching against a local TLS server on 127.0.0.1, with certificates made at test time.

Made-up host names (news.test, intranet.test) are answered by a fake resolver
in place of socket.getaddrinfo. Every connection made is recorded, and one to an
address outside 127.0.0.0/8 fails the test before it is opened, so nothing here
can reach another machine even if the address guard were broken.
"""

from __future__ import annotations

import datetime as dt
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import trustme
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from claimgraph.errors import InputError
from claimgraph.ingest.fetch import Fetcher
from loopback import loopback_only

IDN = "例え.テスト"
PUNY = IDN.encode("idna").decode()  # xn--r8jz45g.xn--zckzah
# both forms of the IDN resolve to loopback, so an IDN sent as it is fails here, never in a real lookup
HOSTS = {"news.test": "127.0.0.1", "intranet.test": "10.0.0.1", IDN: "127.0.0.1", PUNY: "127.0.0.1"}
PAGE = b"<html><body><p>The port reopened on Monday.</p></body></html>"
REDIRECTS = {"/to-intranet": "https://intranet.test/secret", "/to-private-ip": "https://192.168.1.1/secret"}


class Handler(BaseHTTPRequestHandler):
    server: TLSServer

    def log_message(self, *args):  # keep test output clean
        pass

    def do_GET(self):
        self.server.requests.append((self.path, self.headers.get("Host")))
        if self.path in REDIRECTS:
            self.send_response(302)
            self.send_header("Location", REDIRECTS[self.path])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        status, body = (200, PAGE) if self.path == "/page" else (404, b"not found")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class TLSServer(ThreadingHTTPServer):
    """HTTPS on 127.0.0.1; records the SNI name of every handshake and every request."""

    daemon_threads = True

    def __init__(self, context: ssl.SSLContext):
        super().__init__(("127.0.0.1", 0), Handler)
        self.context = context
        self.sni: list[str | None] = []
        self.requests: list[tuple[str, str | None]] = []
        context.sni_callback = lambda _sock, name, _ctx: self.sni.append(name)

    def get_request(self):
        sock, address = super().get_request()
        sock.settimeout(5)
        # a failed handshake raises SSLError (an OSError), which socketserver drops quietly
        return self.context.wrap_socket(sock, server_side=True), address


@contextmanager
def serving(configure: Callable[[ssl.SSLContext], None]) -> Iterator[tuple[TLSServer, int]]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    configure(context)
    server = TLSServer(context)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server, server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@dataclass
class Network:
    resolved: list[str] = field(default_factory=list)
    connected: list[tuple[str, int]] = field(default_factory=list)


@pytest.fixture(autouse=True)
def network(monkeypatch) -> Network:
    """The made-up names resolve through HOSTS; connections may go to loopback only."""
    net = Network()
    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
        net.resolved.append(host)
        if host in HOSTS:
            return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (HOSTS[host], port))]
        return real_getaddrinfo(host, port, family, type, proto, flags)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket, "create_connection", loopback_only(net.connected))
    return net


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


def trusting(ca: trustme.CA | None) -> Fetcher:
    """A fetcher for the loopback server; it trusts `ca` (None: the system store only)."""
    options = {"allow_private": ["127.0.0.1"], "delay": 0, "backoff": 0.01, "retries": 1, "timeout": 5}
    if ca is None:
        return Fetcher(**options)
    context = ssl.create_default_context()
    ca.configure_trust(context)
    return Fetcher(**options, ssl_context=context)


def self_signed(name: str, folder: Path) -> Callable[[ssl.SSLContext], None]:
    """A certificate for `name` that signs itself, as the server's."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    pem = folder / "self-signed.pem"
    pem.write_bytes(
        cert.public_bytes(serialization.Encoding.PEM)
        + key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return lambda context: context.load_cert_chain(pem)


def test_https_goes_to_the_pinned_address_with_sni_and_the_certificate_checked_for_the_name(ca, network):
    # the certificate names news.test only, not 127.0.0.1: it passes only if checked against the name
    with serving(ca.issue_cert("news.test").configure_cert) as (server, port):
        resp = trusting(ca).fetch(f"https://news.test:{port}/page")
    assert (resp.status, resp.body, resp.url) == (200, PAGE, f"https://news.test:{port}/page")
    assert "news.test" in network.resolved
    # robots.txt, then the page: both to the address checked, never to the name (no second lookup)
    assert network.connected == [("127.0.0.1", port)] * 2
    assert server.sni == ["news.test"] * 2
    assert server.requests == [("/robots.txt", f"news.test:{port}"), ("/page", f"news.test:{port}")]


def test_credentials_in_the_url_stay_out_of_the_host_header(ca):
    with serving(ca.issue_cert("news.test").configure_cert) as (server, port):
        trusting(ca).fetch(f"https://reader:secret@news.test:{port}/page")
    assert {host for _, host in server.requests} == {f"news.test:{port}"}


def test_an_idn_host_goes_out_as_punycode_in_sni_the_host_header_and_the_certificate_check(ca, network):
    with serving(ca.issue_cert(PUNY).configure_cert) as (server, port):
        resp = trusting(ca).fetch(f"https://{IDN}:{port}/page")
    assert (resp.status, resp.url) == (200, f"https://{PUNY}:{port}/page")
    assert PUNY in network.resolved and IDN not in network.resolved
    assert server.sni == [PUNY] * 2
    assert server.requests == [("/robots.txt", f"{PUNY}:{port}"), ("/page", f"{PUNY}:{port}")]


@pytest.mark.parametrize("names", [("other.test",), ("127.0.0.1",)], ids=["another-name", "the-pinned-address"])
def test_a_certificate_for_another_name_is_refused_with_the_reason(ca, network, names):
    with serving(ca.issue_cert(*names).configure_cert) as (server, port), pytest.raises(InputError) as caught:
        trusting(ca).fetch(f"https://news.test:{port}/page")
    message = str(caught.value)
    assert message == (
        f"https://news.test:{port}/page: TLS certificate refused for news.test "
        "(Hostname mismatch, certificate is not valid for 'news.test')"
    )
    assert server.requests == []  # no request is sent over a refused connection
    # one connection, for robots.txt: a bad certificate is not retried, and the page would meet the same one
    assert len(network.connected) == 1


@pytest.mark.parametrize("case", ["self-signed", "unknown-ca", "system-store"])
def test_an_untrusted_certificate_is_refused_with_the_reason(ca, tmp_path, case):
    reason = "unable to get local issuer certificate"
    if case == "self-signed":
        configure, reason = self_signed("news.test", tmp_path), "self-signed certificate"
    elif case == "unknown-ca":
        configure = trustme.CA().issue_cert("news.test").configure_cert
    else:  # the test CA's certificate, but the fetcher keeps the default, system trust store
        configure = ca.issue_cert("news.test").configure_cert
    with serving(configure) as (server, port), pytest.raises(InputError) as caught:
        trusting(None if case == "system-store" else ca).fetch(f"https://news.test:{port}/page")
    assert str(caught.value) == f"https://news.test:{port}/page: TLS certificate refused for news.test ({reason})"
    assert server.requests == []


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        ("/to-intranet", "intranet.test resolves to a private or reserved address (10.0.0.1)"),
        ("/to-private-ip", "192.168.1.1 resolves to a private or reserved address (192.168.1.1)"),
    ],
)
def test_a_redirect_from_https_to_a_private_address_is_refused(ca, network, path, refused):
    with serving(ca.issue_cert("news.test").configure_cert) as (server, port), pytest.raises(InputError) as caught:
        trusting(ca).fetch(f"https://news.test:{port}{path}")
    assert "refused" in str(caught.value) and refused in str(caught.value)
    assert (path, f"news.test:{port}") in server.requests  # the https hop was made and answered with the redirect
    assert {address for address, _ in network.connected} == {"127.0.0.1"}


def test_a_context_that_does_not_verify_is_refused():
    no_names = ssl.create_default_context()
    no_names.check_hostname = False
    for context in (no_names, ssl._create_unverified_context()):
        with pytest.raises(ValueError, match="must verify certificates and host names"):
            Fetcher(ssl_context=context)
