"""A tiny HTTP server on 127.0.0.1 in a thread, answering from a Python function. Records requests.

The ``listener`` fixture is one that outbound requests must never reach (the SSRF tests): readerdesk
refuses loopback addresses unless ALLOWED_FETCH_NETWORKS lets them in."""

from __future__ import annotations

import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

# handler(method, path, query: dict[str, list[str]], body: bytes, headers) -> (status, headers, body)
Handler = Callable[[str, str, dict, bytes, dict], tuple[int, dict, bytes]]


class LocalServer:
    def __init__(self, handler: Handler):
        self.handler = handler
        self.requests: list[tuple[str, str, dict, bytes, dict]] = []
        outer = self

        class RequestHandler(BaseHTTPRequestHandler):
            def _answer(self):
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                query = parse_qs(parts.query, keep_blank_values=True)
                headers = {k: v for k, v in self.headers.items()}
                outer.requests.append((self.command, parts.path, query, body, headers))
                status, response_headers, response_body = outer.handler(self.command, parts.path, query, body, headers)
                self.send_response(status)
                for name, value in response_headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(response_body)))
                self.end_headers()
                self.wfile.write(response_body)

            do_GET = do_POST = do_PUT = do_OPTIONS = _answer

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), RequestHandler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> LocalServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class StaticSite(LocalServer):
    """Answers every request with one page (a second origin embedding the widget, a CMS). Started on
    creation; change ``html`` to change the page."""

    def __init__(self, html: str = "<!doctype html><title>empty</title>",
                 content_type: str = "text/html; charset=utf-8"):
        self.html, self.content_type = html, content_type
        super().__init__(lambda *request: (200, {"Content-Type": self.content_type}, self.html.encode("utf-8")))
        self.__enter__()

    @property
    def paths(self) -> list[str]:
        return [path for _, path, _, _, _ in self.requests]

    def close(self) -> None:
        self.__exit__()


@pytest.fixture
def listener():
    """A page on 127.0.0.1; a test checks ``listener.requests == []`` after readerdesk refused it."""
    page = (200, {"Content-Type": "text/html"}, b"<article><p>secret</p></article>")
    with LocalServer(lambda *request: page) as server:
        yield server
