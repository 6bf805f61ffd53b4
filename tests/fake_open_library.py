"""A fake Open Library on 127.0.0.1 for tests that use the real HTTP client: the plumbing (the
answer, the server's life); each test's subclass decides what it knows."""

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote


class OpenLibraryHandler(BaseHTTPRequestHandler):
    """``/api/books?bibkeys=ISBN:…``: subclasses answer ``record(key)`` (None: unknown there)."""

    def record(self, key: str) -> dict[str, Any] | None:
        raise NotImplementedError

    def bibkey(self) -> str:
        return unquote(self.path.split("bibkeys=")[1].split("&")[0])

    def do_GET(self) -> None:
        key = self.bibkey()
        record = self.record(key)
        body = json.dumps({key: record} if record is not None else {}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def serving(handler: type[OpenLibraryHandler]) -> Iterator[str]:
    """The fake's base URL while the block runs; stopped and joined after it."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
