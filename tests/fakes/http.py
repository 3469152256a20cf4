"""A real HTTP server on 127.0.0.1 answering every GET with one page (a second origin, a CMS)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class StaticSite:
    def __init__(self, html: str = "<!doctype html><title>empty</title>", content_type: str = "text/html; charset=utf-8"):
        self.html, self.content_type, self.requests = html, content_type, []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                site.requests.append(self.path)
                body = site.html.encode("utf-8")
                self.send_response(200)
                self.send_header("Content-Type", site.content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
