"""Imported photo addresses on other sites: never hot-linked; `flask staff fetch-photos`
fetches each from a real HTTP server on loopback, checks and re-encodes it like an upload,
and serves it from this site. A page never references another host's image."""

from __future__ import annotations

import io
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from PIL import Image
from sqlalchemy import select

from voterguide.models import Candidate

from .support import HOST
from .support.bombs import bomb_png


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1200, 900), (20, 90, 200)).save(out, "PNG")
    return out.getvalue()


FILES = {"/portrait.png": ("image/png", _png()),
         "/bomb.png": ("image/png", bomb_png(7_000, 7_000)),
         "/page.html": ("text/html", b"<html><body>not a photo</body></html>")}


class PhotoSite(BaseHTTPRequestHandler):
    """Another site holding candidate photos (and a page, and a bomb); counts its visits."""

    visits: list[str] = []

    def do_GET(self):
        PhotoSite.visits.append(self.path)
        found = FILES.get(self.path)
        if found is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", found[0])
        self.send_header("Content-Length", str(len(found[1])))
        self.end_headers()
        self.wfile.write(found[1])

    def log_message(self, *args):
        pass


@pytest.fixture
def photo_site():
    server = ThreadingHTTPServer((HOST, 0), PhotoSite)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    PhotoSite.visits = []
    yield f"http://{HOST}:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _candidates(db, count):
    return list(db.session.scalars(select(Candidate).order_by(Candidate.id).limit(count)))


def test_imported_photo_addresses_are_fetched_once_reencoded_and_served_from_here(
        app, db, client, runner, photo_site):
    good, bomb, page, missing = _candidates(db, 4)
    for candidate, path in ((good, "/portrait.png"), (bomb, "/bomb.png"),
                            (page, "/page.html"), (missing, "/gone.jpg")):
        candidate.photo_url = photo_site + path  # as an import of a "photo url" column left it
    db.session.commit()
    slugs = [c.slug for c in (good, bomb, page, missing)]

    for slug in slugs:  # before: no page references the other site (nor any other host)
        html = client.get(f"/candidates/{slug}").get_data(as_text=True)
        assert photo_site not in html and not re.search(r'src="(https?:)?//', html)
    assert PhotoSite.visits == []

    result = runner.invoke(args=["staff", "fetch-photos", "--timeout", "5"])
    assert result.exit_code == 0, result.output
    assert "1 of 4 photos brought onto this site." in result.output
    assert "40 million pixels" in result.output and "answered 404" in result.output
    assert "not an image we can read" in result.output
    assert sorted(PhotoSite.visits) == sorted(["/portrait.png", "/bomb.png", "/page.html",
                                               "/gone.jpg"])

    db.session.expire_all()
    fetched = db.session.get(Candidate, good.id)
    assert fetched.photo_url.startswith("/photos/") and fetched.photo_url.endswith(".jpg")
    served = client.get(fetched.photo_url)
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert max(Image.open(io.BytesIO(served.data)).size) == app.config["PHOTO_MAX_SIDE"]
    html = client.get(f"/candidates/{good.slug}").get_data(as_text=True)
    assert f'src="{fetched.photo_url}"' in html
    for slug in slugs:  # after: still no other host anywhere on the pages
        html = client.get(f"/candidates/{slug}").get_data(as_text=True)
        assert photo_site not in html and not re.search(r'src="(https?:)?//', html)

    visits = len(PhotoSite.visits)
    again = runner.invoke(args=["staff", "fetch-photos"])
    assert again.exit_code == 0 and "/portrait.png" not in "".join(PhotoSite.visits[visits:])
