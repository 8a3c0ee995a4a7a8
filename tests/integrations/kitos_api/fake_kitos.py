"""A local fake of the OS2KITOS API v2: a real HTTP server on 127.0.0.1 in a thread,
serving the recorded collections under pages/<set>/ the way KITOS does — the token
login checks the password, every read needs the bearer token, ``organizationUuid``,
``changedSinceGtEq`` (lastModified at or after it) and ``deletedSinceUTC`` filter, and
``page``/``pageSize`` (0-based, 1–100) page. ``lastModified`` on the recorded units is
the fake's own bookkeeping (KITOS keeps it on the unit; its DTO does not show it)."""

from __future__ import annotations

import json
import pathlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

PAGES = pathlib.Path(__file__).parent / "pages"
EMAIL = "sync@viborg.dk"
PASSWORD = "Hemmelig-Kode-42"
TOKEN = "fake-token-3f9a"


def _stamp(value: str) -> str:
    """Comparable UTC text: "2026-12-01T00:00:00Z" → "2026-12-01T00:00:00"."""
    return value.replace("Z", "")[:19]


class FakeKitos(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.page_set = "set1"
        self.pages = PAGES  # a test may serve its own copy
        self.broken: str | None = None  # a resource answering something that is not JSON
        self.requests: list[str] = []

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def collection(self, name: str) -> list[dict]:
        return json.loads((self.pages / self.page_set / f"{name}.json").read_text())

    def start(self):
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self.shutdown()
        self.server_close()


class _Handler(BaseHTTPRequestHandler):
    server: FakeKitos

    def log_message(self, *args):  # keep the test output clean
        pass

    def _send(self, status: int, body) -> None:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def do_POST(self):
        self.server.requests.append(f"POST {self.path}")
        if self.path != "/api/authorize/GetToken":
            return self._send(404, {"message": "not found"})
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        if body.get("email") != EMAIL or body.get("password") != PASSWORD:
            return self._send(401, {"msg": "Unauthorized", "response": None})
        return self._send(200, {"msg": "", "response": {
            "token": TOKEN, "email": EMAIL, "loginSuccessful": True,
            "expires": "2026-12-31T00:00:00Z"}})

    def do_GET(self):
        self.server.requests.append(f"GET {self.path}")
        if self.headers.get("Authorization") != f"Bearer {TOKEN}":
            return self._send(401, {"message": "Authorization has been denied"})
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        path = parts.path.strip("/").split("/")
        if path[:3] == ["api", "v2", "organizations"] and path[4:] == ["organization-units"]:
            resource, org_filter = "organization-units", None
            if path[3] != "5b0c3a1e-7d42-4c55-9a61-1f3e9c2a7b10":
                return self._send(404, {"message": "Organization provided does not exist"})
        elif path[:2] == ["api", "v2"] and len(path) == 3:
            resource, org_filter = path[2], query.get("organizationUuid")
        elif path == ["api", "v2", "delta-feed", "deleted-entities"]:
            resource, org_filter = "deleted-entities", None
        else:
            return self._send(404, {"message": "not found"})
        if resource == self.server.broken:
            return self._send(200, b"<html>Service Unavailable</html>")
        try:
            rows = self.server.collection(resource)
        except FileNotFoundError:
            return self._send(404, {"message": "not found"})
        if org_filter:
            rows = [r for r in rows if r.get("organizationContext", {}).get("uuid") == org_filter]
        if "changedSinceGtEq" in query:
            since = _stamp(query["changedSinceGtEq"])
            rows = [r for r in rows if _stamp(r["lastModified"]) >= since]
        if "deletedSinceUTC" in query:
            since = _stamp(query["deletedSinceUTC"])
            rows = [r for r in rows if _stamp(r["occurredAtUtc"]) >= since]
        page, size = int(query.get("page", 0)), int(query.get("pageSize", 100))
        if not 1 <= size <= 100 or page < 0:
            return self._send(400, {"message": "pageSize must be 1-100"})
        return self._send(200, rows[page * size:(page + 1) * size])
