"""What the network tests share: a quiet request handler with one `send`,
and a guard that fails a test the moment it connects outside 127.0.0.0/8."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler

_real_connect = socket.create_connection


class QuietHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # keep test output clean
        pass

    def send(self, status: int, body: bytes = b"", ctype: str = "text/html; charset=utf-8", headers=()) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)


def loopback_only(connected: list) -> Callable:
    """A socket.create_connection that records each address and refuses any
    outside loopback with an AssertionError (not an OSError: never swallowed)."""

    def create_connection(address, *args, **kwargs):
        connected.append(address)
        if ipaddress.ip_address(address[0]) not in ipaddress.ip_network("127.0.0.0/8"):
            raise AssertionError(f"the test tried to connect to {address}")
        return _real_connect(address, *args, **kwargs)

    return create_connection
