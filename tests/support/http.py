"""A plain HTTP client for a real server: its own cookies, the CSRF token of the forms it
reads, redirects not followed (so a test sees every status), no browser."""

from __future__ import annotations

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from . import PASSWORD

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@dataclass
class Answer:
    """One response: its status, headers and body as text."""

    status: int
    headers: dict
    text: str


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Visitor:
    """One visitor of ``base_url`` with a cookie jar of its own."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirects())
        self.token = ""

    def request(self, method: str, path: str, data: dict | None = None,
                headers: dict | None = None, body: bytes | None = None) -> Answer:
        """Send a request; a form (``data``) carries the last CSRF token seen."""
        if data is not None:
            body = urllib.parse.urlencode({"csrf_token": self.token, **data}).encode()
            headers = {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}
        request = urllib.request.Request(self.base_url + path, data=body, method=method,
                                         headers=headers or {})
        try:
            with self.opener.open(request, timeout=60) as response:
                answer = Answer(response.status, dict(response.headers),
                                response.read().decode("utf-8", "replace"))
        except urllib.error.HTTPError as error:
            answer = Answer(error.code, dict(error.headers),
                            error.read().decode("utf-8", "replace"))
        found = CSRF.search(answer.text)
        if found:
            self.token = found[1]
        return answer

    def get(self, path: str, **kwargs) -> Answer:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data: dict | None = None, **kwargs) -> Answer:
        return self.request("POST", path, data=data if data is not None else {}, **kwargs)

    def upload(self, path: str, fields: dict, files: dict[str, tuple[str, bytes]]) -> Answer:
        """Post a multipart form: ``files`` maps a field to (file name, content)."""
        boundary = "----voterguide-test-" + "7" * 16
        parts = []
        for name, value in {"csrf_token": self.token, **fields}.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"'
                         f"\r\n\r\n{value}\r\n".encode())
        for name, (file_name, content) in files.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                         f'filename="{file_name}"\r\nContent-Type: application/octet-stream'
                         "\r\n\r\n".encode() + content + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.request("POST", path, body=body, headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}"})

    def sign_in(self, email: str, password: str = PASSWORD) -> Answer:
        """Open the sign-in form (for its token), then post it."""
        self.get("/staff/login")
        return self.post("/staff/login", {"email": email, "password": password})
