"""HTTP client (urllib, cookie jar, no proxy): web login with CSRF, API submission, downloads."""

from __future__ import annotations

import json
import re
import uuid
from http.cookiejar import CookieJar
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, ProxyHandler, Request, build_opener

CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


class Client:
    def __init__(self, base_url: str, token: str) -> None:
        self.base = base_url.rstrip("/")
        self.token = token
        # ProxyHandler({}): never send 127.0.0.1 traffic to an http_proxy from the environment.
        self.opener = build_opener(ProxyHandler({}), HTTPCookieProcessor(CookieJar()))

    def request(self, path: str, data: bytes | None = None,
                headers: dict | None = None) -> tuple[int, dict, bytes, str]:
        """(status, headers, body, final url); HTTP errors are raised with the body's start."""
        req = Request(self.base + path, data=data, headers=headers or {})
        try:
            with self.opener.open(req, timeout=60) as resp:
                return resp.status, dict(resp.headers), resp.read(), resp.url
        except HTTPError as exc:
            body = exc.read().decode(errors="replace")[:800]
            raise RuntimeError(f"{req.get_method()} {path} → {exc.code}: {body}") from None

    def login(self, email: str, password: str) -> None:
        page = self.request("/connexion")[2].decode()
        match = CSRF.search(page)
        if not match:
            raise RuntimeError("no csrf_token on /connexion")
        form = urlencode({"email": email, "password": password, "csrf_token": match.group(1)})
        _, _, _, final = self.request("/connexion", form.encode(),
                                      {"Content-Type": "application/x-www-form-urlencoded"})
        if final.endswith("/connexion"):
            raise RuntimeError(f"login as {email} refused")

    def submit(self, body: bytes, key: str | None = None) -> dict:
        """`POST /api/v1/fiches` with a bearer token; a new Idempotency-Key unless one is given."""
        status, _, data, _ = self.request("/api/v1/fiches", body, {
            "Content-Type": "application/json",
            "Authorization": f"Bearer {self.token}",
            "Idempotency-Key": key or str(uuid.uuid4()),
        })
        if status != 201:
            raise RuntimeError(f"submission answered {status}")
        return json.loads(data)

    def download_pdf(self, entry_id: str) -> bytes:
        """The web download (session cookie) of a registered version's stored PDF."""
        _, headers, data, _ = self.request(f"/documents/{entry_id}/telecharger.pdf")
        if headers.get("Content-Type") != "application/pdf" or not data.startswith(b"%PDF"):
            raise RuntimeError("download did not return a PDF")
        return data
