"""Whole public answers kept per process, served without Flask: a WSGI layer in front of the
app (inside ProxyFix, so it sees the visitor's scheme and Host as the app does).

A busy public page (the home page, a district page) otherwise costs a full Flask request
each time even when its HTML comes from the page cache (caching.py): the request rules, the
hooks, the headers. Here the first answer is kept, whole (status, headers, body), and the
next identical request gets it back for the cost of a dictionary look-up and a check of the
published guide's version.

What may be kept, and what never is:

- only a GET (a HEAD is answered from a kept GET, without the body), with no ``Cookie`` and
  no ``Authorization`` and no ``Range``: a staff member's request, a candidate's, anything
  whose answer could depend on who asks, always goes to Flask;
- only a 200 that the app itself declared the same for every visitor (``Cache-Control:
  public``, which web/freshness.py gives public pages and files, and never to staff pages,
  candidates' links, a campaign visit that must be counted, or a voter's lookup), with no
  ``Set-Cookie``, or one the app marked to be kept here only (``KEEP_HERE``: the lookup API's
  answer to a ZIP code or a place's name, which no other cache may keep, api/answers.py;
  the mark never leaves the process); an answer that ``Vary``s on a header is kept with that
  header's value and served only to a request with the same one (``Vary: Cookie`` or ``*``:
  never kept);
- the key is the scheme, the Host, the path and the query string: another Host or another
  query is another entry;
- an entry is served only while the published guide's version (content.py, bumped by every
  publish, rollback and data load, in the database every process reads) is the one it was
  made at (the one its ETag names), and for at most SNAPSHOT_SECONDS; the version is read
  as the app reads it (``content.shared``: at most once per CONTENT_CHECK_SECONDS when that
  is set; else only when the version's signal, a file or a Redis counter, changed), only for
  a request that has an entry, and handed to the app if it goes on;
- the entries of a process take at most SNAPSHOT_MEGABYTES (the least recently used go
  first), and an answer bigger than an eighth of that, or without a Content-Length (a
  stream), is never kept, nor read whole here;
- a conditional request (``If-None-Match``, ``If-Modified-Since``) is answered from the
  entry's ETag and Last-Modified exactly as the app would: a 304 when the client holds it.

A kept text answer (HTML, JSON, CSS, SVG...) is also compressed with gzip once, when it is
kept, and a client that accepts gzip (``Accept-Encoding``: every browser, and nginx in
deploy/nginx.conf) gets that copy: a district page is a tenth of its size on the wire, and
sending it is most of what it costs. Both copies say ``Vary: Accept-Encoding``; the gzip
copy's ETag is the weak form of the plain one's (the guide's own pages' tags are weak
already), so a 304 answers a client holding either copy, as the RFC's weak comparison for
``If-None-Match`` has it.
"""

from __future__ import annotations

import functools
import gzip
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from flask import Flask
from werkzeug.http import is_resource_modified, parse_accept_header, parse_date

from .. import content
from ..extensions import db

#: What a kept answer's headers may not carry.
NEVER_KEPT = ("set-cookie",)
#: Headers a 304 leaves out (it has no body).
NO_BODY_HEADERS = ("content-length", "content-type", "content-encoding")
#: Request headers that send a request to the app, whatever it asks for.
PERSONAL = ("HTTP_COOKIE", "HTTP_AUTHORIZATION", "HTTP_RANGE")
#: The header with which the app marks an answer this layer may keep though no other cache
#: may (it is taken off before the answer is sent).
KEEP_HERE = "X-Voterguide-Keep-Here"
#: The conditional request headers (without them, no validator needs reading).
CONDITIONAL = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE")
#: The kinds of answer worth compressing (images and fonts are compressed already).
TEXT_TYPES = ("text/", "application/json", "application/xml", "application/javascript",
              "application/manifest+json", "image/svg+xml")
#: Below this many bytes a compressed copy saves less than its headers cost.
GZIP_MIN_BYTES = 512


@dataclass(frozen=True)
class Copy:
    """One way of sending a kept answer: its headers and body (plain, or compressed)."""

    headers: list[tuple[str, str]]
    body: bytes


@dataclass
class Entry:
    """One kept answer: made at a content version, at a time, for a request's Vary values."""

    status: str
    headers: list[tuple[str, str]]
    body: bytes
    version: int
    made: float
    varies: tuple[tuple[str, str | None], ...]
    etag: str | None
    last_modified: str | None
    #: The plain copy and, for a text answer, the gzip one (see ``copies``).
    plain: Copy | None = None
    zipped: Copy | None = None
    modified: datetime | None = field(default=None, init=False)  # last_modified, read

    def __post_init__(self):
        if self.plain is None:
            self.plain, self.zipped = copies(self.headers, self.body)
        self.modified = parse_date(self.last_modified)

    def copy_for(self, environ: dict) -> Copy:
        """The copy to send a request: gzip if it may have it."""
        if self.zipped is not None and accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING", "")):
            return self.zipped
        return self.plain

    @property
    def size(self) -> int:
        """Bytes it takes, roughly: the bodies and the headers."""
        return sum(len(c.body) + sum(len(k) + len(v) for k, v in c.headers) + 200
                   for c in (self.plain, self.zipped) if c is not None)


class Snapshots:
    """The WSGI layer: answers from kept entries, else asks the app and maybe keeps its
    answer. ``entries`` and ``size`` are this process's (tests read them)."""

    def __init__(self, app: Flask, wsgi_app: Callable, seconds: float, megabytes: float):
        self.app, self.wsgi_app = app, wsgi_app
        self.seconds = seconds
        self.limit = int(megabytes * 1024 * 1024)
        self.entry_limit = self.limit // 8
        self.entries: OrderedDict[tuple[str, str, str, str], Entry] = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()
        self.engine = None
        self.database = ""  # the engine's URL as content.shared keys it (made once)
        self.check_seconds = float(app.config.get("CONTENT_CHECK_SECONDS", 0) or 0)

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD")
        if method not in ("GET", "HEAD") or not anonymous(environ):
            return self.wsgi_app(environ, start_response)
        key = (environ.get("wsgi.url_scheme", "http"), environ.get("HTTP_HOST", ""),
               environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""),
               environ.get("QUERY_STRING", ""))
        with self.lock:
            held = key in self.entries
        if held:  # only then is the version read here (and handed to the app if stale)
            stamp = self._stamp()
            environ[content.REQUEST_KEY] = stamp
            entry = self._find(key, stamp.number, environ)
            if entry is not None:
                return self._answer(entry, environ, start_response)
        if method == "HEAD":
            return self.wsgi_app(environ, start_response)
        return self._ask_and_keep(key, environ, start_response)

    def _stamp(self) -> content.Stamp:
        """The published guide's version, as the app would read it for this request (shared
        with the app's own reads for CONTENT_CHECK_SECONDS), on a connection of the app's
        engine: no app context, no session."""
        if self.engine is None:
            with self.app.app_context():
                self.engine = db.engine
                self.database = str(self.engine.url)
        engine = self.engine

        def read() -> content.Stamp:
            with engine.connect() as connection:
                return content.stamp(connection)

        return content.shared(self.database, self.check_seconds, read)

    def _find(self, key: tuple, version: int, environ: dict) -> Entry | None:
        """The entry for a request if it is current and was made for its Vary values."""
        with self.lock:
            entry = self.entries.get(key)
            if entry is None:
                return None
            if entry.version != version or not 0 <= time.time() - entry.made < self.seconds:
                self._drop(key)
                return None
            if any(environ.get(name) != value for name, value in entry.varies):
                return None
            self.entries.move_to_end(key)
            return entry

    def _drop(self, key: tuple) -> None:
        """Forget an entry (the lock held)."""
        entry = self.entries.pop(key, None)
        if entry is not None:
            self.size -= entry.size

    def _answer(self, entry: Entry, environ: dict, start_response: Callable
                ) -> Iterable[bytes]:
        """A kept answer, in the copy the client may have: a 304 if it holds the page, the
        headers alone for a HEAD."""
        copy = entry.copy_for(environ)
        if ((entry.etag or entry.modified) and any(environ.get(h) for h in CONDITIONAL)
                and not is_resource_modified(environ, etag=entry.etag,
                                             last_modified=entry.modified)):
            start_response("304 NOT MODIFIED", [(k, v) for k, v in copy.headers
                                                if k.lower() not in NO_BODY_HEADERS])
            return [b""]
        start_response(entry.status, list(copy.headers))
        return [b""] if environ["REQUEST_METHOD"] == "HEAD" else [copy.body]

    def _ask_and_keep(self, key: tuple, environ: dict, start_response: Callable
                      ) -> Iterable[bytes]:
        """The app's answer, kept if it may be, at the version the app made it at (the one
        its ETag names: read once per request, ``content.for_request``)."""
        answered: list = []

        def capture(status, headers, exc_info=None):
            answered[:] = [status, headers, exc_info]
            return _no_write

        body = self.wsgi_app(environ, capture)
        status, headers, exc_info = answered
        marked = _header(headers, KEEP_HERE.lower()) is not None
        if marked:
            headers = [(k, v) for k, v in headers if k.lower() != KEEP_HERE.lower()]
        varies = _varies(headers)
        stamp = environ.get(content.REQUEST_KEY)
        length = _header(headers, "content-length")
        if (not status.startswith("200 ") or varies is None
                or not (_public(headers) or marked and _cookieless(headers))
                or stamp is None or not (length or "").isdigit()
                or int(length) > self.entry_limit):  # a large or streamed file goes by
            start_response(status, headers, exc_info)
            return body
        try:
            whole = b"".join(body)
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()
        entry = Entry(status, list(headers), whole, stamp.number, time.time(),
                      tuple((name, environ.get(name)) for name in varies),
                      _header(headers, "etag"), _header(headers, "last-modified"))
        self._keep(key, entry)
        return self._answer(entry, environ, start_response)

    def _keep(self, key: tuple, entry: Entry) -> None:
        """Keep an entry, the least recently used ones leaving to stay within the limit."""
        with self.lock:
            self._drop(key)
            self.entries[key] = entry
            self.size += entry.size
            while self.size > self.limit and self.entries:
                self._drop(next(iter(self.entries)))


def anonymous(environ: dict) -> bool:
    """Whether a request says nothing of who sends it (no cookie, no credentials) and asks
    for the whole answer (no Range): only such a request is answered from, or kept in, this
    layer."""
    return not any(environ.get(h) for h in PERSONAL)


def kept_here(app: Flask, environ: dict) -> bool:
    """Whether an answer to this request that the app marks with KEEP_HERE would be kept
    (and its mark taken off) by this layer."""
    return ("voterguide_snapshots" in app.extensions and environ.get("REQUEST_METHOD") == "GET"
            and anonymous(environ))


def _no_write(_data: bytes) -> None:
    """The app asked for WSGI's write(): Flask never does."""
    raise RuntimeError("The snapshot layer takes no write() calls.")


def _header(headers: list[tuple[str, str]], name: str) -> str | None:
    """A header's value, or None."""
    return next((v for k, v in headers if k.lower() == name), None)


def copies(headers: list[tuple[str, str]], body: bytes) -> tuple[Copy, Copy | None]:
    """The plain copy of a kept answer and, when it is text the app sent uncompressed and
    worth compressing, its gzip copy (made here, once): both then say ``Vary:
    Accept-Encoding``, and the gzip copy has its own length and a weak ETag."""
    kind = (_header(headers, "content-type") or "").lower()
    names = {name.strip().lower() for k, v in headers if k.lower() == "vary"
             for name in v.split(",")}
    if (len(body) < GZIP_MIN_BYTES or not kind.startswith(TEXT_TYPES)
            or _header(headers, "content-encoding") or "accept-encoding" in names):
        return Copy(list(headers), body), None
    zipped = gzip.compress(body, compresslevel=9, mtime=0)
    if len(zipped) >= len(body):
        return Copy(list(headers), body), None
    plain = _with_vary(headers)
    etag = _header(headers, "etag")
    changed = {"content-length": str(len(zipped)),
               **({"etag": etag if etag.startswith("W/") else "W/" + etag} if etag else {})}
    gzipped = [(k, changed.get(k.lower(), v)) for k, v in plain]
    gzipped.append(("Content-Encoding", "gzip"))
    return Copy(plain, body), Copy(gzipped, zipped)


def _with_vary(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The headers with Accept-Encoding added to their Vary (or a Vary of it)."""
    if _header(headers, "vary") is None:
        return [*headers, ("Vary", "Accept-Encoding")]
    return [(k, f"{v}, Accept-Encoding" if k.lower() == "vary" else v) for k, v in headers]


@functools.lru_cache(maxsize=256)
def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding header takes gzip (a quality above 0, by name or by
    ``*``); a handful of distinct headers are seen in practice, so each is read once."""
    if "gzip" not in accept_encoding and "*" not in accept_encoding:
        return False
    return parse_accept_header(accept_encoding).quality("gzip") > 0


def _cookieless(headers: list[tuple[str, str]]) -> bool:
    """Whether an answer sets no cookie."""
    return not any(k.lower() in NEVER_KEPT for k, _ in headers)


def _public(headers: list[tuple[str, str]]) -> bool:
    """Whether the app declared the answer the same for everyone, and it sets no cookie."""
    if not _cookieless(headers):
        return False
    directives = {part.strip().split("=")[0].lower()
                  for part in (_header(headers, "cache-control") or "").split(",")}
    return "public" in directives and not directives & {"private", "no-store", "no-cache"}


def _varies(headers: list[tuple[str, str]]) -> list[str] | None:
    """The WSGI names of the request headers an answer varies on; None if it may not be
    kept at all (it varies on the cookie, or on everything)."""
    names = [name.strip().lower() for k, v in headers if k.lower() == "vary"
             for name in v.split(",") if name.strip()]
    if "*" in names or "cookie" in names:
        return None
    return ["HTTP_" + name.upper().replace("-", "_") for name in names]


def install(app: Flask) -> None:
    """Put the layer in front of the app when SNAPSHOT_SECONDS and SNAPSHOT_MEGABYTES allow
    (call it before any middleware that rewrites the request, such as ProxyFix, wraps the
    app, so that this layer sees what the app sees)."""
    seconds = float(app.config["SNAPSHOT_SECONDS"])
    megabytes = float(app.config["SNAPSHOT_MEGABYTES"])
    if seconds > 0 and megabytes > 0:
        app.wsgi_app = Snapshots(app, app.wsgi_app, seconds, megabytes)
        app.extensions["voterguide_snapshots"] = app.wsgi_app
