"""Outreach through the test client: links, link cards, share images, QR codes, calendar
files, share buttons, flyers, the embed and its frame policy."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

import pytest
import zxingcpp
from PIL import Image

from voterguide.config import ConfigurationError
from voterguide.extensions import runtime
from voterguide.presenters import MISSING_BRIEFS

DISTRICT = "/districts/al-circuit-6"
CANDIDATE = "/candidates/al-circuit-6-kendall-lassiter"
RACE = "/districts/al-circuit-6/al-2028-general-sample"
PUBLIC_PAGES = ["/", "/districts/", DISTRICT, RACE, "/districts/al-circuit-10-bessemer",
                CANDIDATE, "/about", "/what-a-district-attorney-does",
                "/choose?district=al-circuit-37&district=al-circuit-26"]


class Meta(HTMLParser):
    """The <link rel=canonical> and <meta> tags of a page."""

    def __init__(self, html: str):
        super().__init__()
        self.canonical: list[str] = []
        self.properties: dict[str, str] = {}
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        """Collect canonical links and meta properties."""
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") == "canonical":
            self.canonical.append(attrs["href"])
        if tag == "meta" and (attrs.get("property") or attrs.get("name")):
            self.properties[attrs.get("property") or attrs["name"]] = attrs.get("content", "")


def decode_qr(png: bytes) -> list[str]:
    """The texts of the QR codes in a PNG."""
    return [result.text for result in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_every_public_page_has_a_canonical_link_and_a_link_card(client, path):
    response = client.get(path + ("&" if "?" in path else "?") + "ref=flyer-1")
    assert response.status_code == 200
    meta = Meta(response.get_data(as_text=True))
    assert len(meta.canonical) == 1
    canonical = meta.canonical[0]
    assert canonical.startswith("http://localhost/") and "ref=" not in canonical
    assert meta.properties["og:url"] == canonical
    for name in ("og:title", "og:description", "og:image", "twitter:card", "twitter:image"):
        assert meta.properties[name], name
    assert meta.properties["twitter:card"] == "summary_large_image"
    image = client.get(meta.properties["og:image"].removeprefix("http://localhost"))
    assert image.status_code == 200 and image.mimetype == "image/png"


@pytest.mark.parametrize(("path", "canonical", "image"), [
    (DISTRICT, DISTRICT, "/share/districts/al-circuit-6.png"),
    (RACE, RACE, "/share/districts/al-circuit-6.png"),
    (CANDIDATE, CANDIDATE, "/share/candidates/al-circuit-6-kendall-lassiter.png"),
])
def test_pages_declare_their_own_permanent_address_and_image(client, path, canonical, image):
    meta = Meta(client.get(path).get_data(as_text=True))
    assert meta.canonical == [f"http://localhost{canonical}"]
    assert meta.properties["og:image"] == f"http://localhost{image}"


def test_site_url_setting_makes_every_absolute_address(make_app):
    app = make_app(SITE_URL="https://guide.example.org")
    client = app.test_client()
    meta = Meta(client.get(DISTRICT).get_data(as_text=True))
    assert meta.canonical == ["https://guide.example.org/districts/al-circuit-6"]
    assert meta.properties["og:image"].startswith("https://guide.example.org/share/")
    png = client.get(f"/qr.png?path={DISTRICT}").data
    assert decode_qr(png) == ["https://guide.example.org/districts/al-circuit-6"]


@pytest.mark.parametrize("value", ["guide.example.org", "javascript:alert(1)",
                                   "https://x.org/path", "https://x.org\"><script>"])
def test_a_bad_site_url_is_refused_at_start(make_app, value):
    with pytest.raises(ConfigurationError):
        make_app(SITE_URL=value)


@pytest.mark.parametrize("value", ["http://x.org; script-src *", "x.org", "'unsafe-inline'"])
def test_bad_embed_origins_are_refused_at_start(make_app, value):
    with pytest.raises(ConfigurationError):
        make_app(EMBED_ALLOWED_ORIGINS=value)


@pytest.mark.parametrize(("short", "target"), [
    ("/d/al-circuit-6", DISTRICT),
    ("/c/al-circuit-6-kendall-lassiter", CANDIDATE),
    ("/d/al-circuit-6?ref=Door-Knock", DISTRICT + "?ref=door-knock"),
    ("/d/al-circuit-6?ref=<b>", DISTRICT),
])
def test_short_links_redirect_permanently(client, short, target):
    response = client.get(short)
    assert response.status_code == 301
    assert response.headers["Location"] == target


@pytest.mark.parametrize("path", ["/d/nope", "/c/nope", "/share/districts/nope.png",
                                  "/share/candidates/nope.png", "/districts/nope/flyer",
                                  "/districts/nope/election.ics", "/districts/nope/flyer.pdf",
                                  "/districts/al-circuit-6/no-such-election"])
def test_unknown_outreach_targets_are_404(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("path", ["/share/districts/al-circuit-6.png",
                                  "/share/districts/al-circuit-10-bessemer.png",
                                  "/share/candidates/al-circuit-6-kendall-lassiter.png",
                                  "/share/guide.png"])
def test_share_images_are_1200_by_630_pngs_kept_by_caches(client, path):
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert response.data.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(response.data))
    assert image.format == "PNG" and image.size == (1200, 630)
    assert "public" in response.headers["Cache-Control"]
    # As long as a public page: the image shows the published guide (web/freshness.py).
    assert "max-age=30," in response.headers["Cache-Control"]
    again = client.get(path, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_share_images_are_drawn_once_and_the_cache_is_bounded(make_app):
    from voterguide.outreach import images

    app = make_app(SHARE_IMAGE_CACHE_SIZE=2)
    client = app.test_client()
    drawn = []
    original = images.render
    images.render = lambda card: drawn.append(card.title) or original(card)
    try:
        for slug in ["al-circuit-6", "al-circuit-6", "al-circuit-7", "al-circuit-8"]:
            assert client.get(f"/share/districts/{slug}.png").status_code == 200
    finally:
        images.render = original
    assert len(drawn) == 3
    assert len(runtime(app).share_images) == 2


def test_a_share_image_follows_an_edit(client, db):
    from voterguide.models import Candidate

    before = client.get("/share/candidates/al-circuit-6-kendall-lassiter.png")
    candidate = db.session.query(Candidate).filter_by(slug="al-circuit-6-kendall-lassiter").one()
    candidate.name = "Kendall Q. Lassiter"
    db.session.commit()
    after = client.get("/share/candidates/al-circuit-6-kendall-lassiter.png")
    assert after.headers["ETag"] != before.headers["ETag"]


@pytest.mark.parametrize("path", PUBLIC_PAGES[:-1] + ["/embed", "/embed/al-circuit-6"])
def test_the_qr_code_of_a_page_decodes_to_its_address(client, path):
    response = client.get("/qr.png", query_string={"path": path})
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert decode_qr(response.data) == [f"http://localhost{path}"]
    svg = client.get("/qr.svg", query_string={"path": path})
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    assert svg.data.lstrip().startswith(b"<?xml") or b"<svg" in svg.data[:200]


def test_a_qr_code_may_carry_a_campaign_code_and_nothing_else(client):
    png = client.get("/qr.png?path=/districts/al-circuit-6&ref=Church-Flyer").data
    assert decode_qr(png) == ["http://localhost/districts/al-circuit-6?ref=church-flyer"]
    png = client.get("/qr.png?path=/districts/al-circuit-6&ref=<script>&address=x").data
    assert decode_qr(png) == ["http://localhost/districts/al-circuit-6"]


@pytest.mark.parametrize("path", [
    "", "districts/al-circuit-6", "https://evil.example/", "//evil.example/x",
    "/districts/nope", "/candidates/nope", "/districts/al-circuit-6?address=1+Main+St",
    "/districts/al-circuit-6#x", "/api/v1/lookup", "/qr.png", "/static/style.css",
    "/districts/al-circuit-6/flyer", "/districts", "/\\evil.example", "/" + "a" * 400,
    "/districts/al-circuit-6\n", "/share/guide.png", "/d/al-circuit-6",
])
def test_qr_codes_are_only_for_pages_of_this_guide(client, path):
    for kind in ("png", "svg"):
        response = client.get(f"/qr.{kind}", query_string={"path": path})
        assert response.status_code == 400, (path, response.status_code)
        assert "page of this guide" in response.get_data(as_text=True) or "moved" in \
            response.get_data(as_text=True)


def test_the_calendar_file_is_rfc_5545(client):
    response = client.get("/districts/al-circuit-6/election.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    body = response.data.decode("utf-8")
    assert body.endswith("\r\n")
    assert "\n" not in body.replace("\r\n", "")  # every line ends CRLF, no bare LF or CR
    lines = body.split("\r\n")[:-1]
    assert all(len(line.encode()) <= 75 for line in lines)
    unfolded = body.replace("\r\n ", "").split("\r\n")[:-1]
    assert unfolded[0] == "BEGIN:VCALENDAR" and unfolded[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in unfolded and any(line.startswith("PRODID:") for line in unfolded)
    assert unfolded.count("BEGIN:VEVENT") == 1 and unfolded.count("END:VEVENT") == 1
    assert "DTSTART;VALUE=DATE:20281107" in unfolded
    assert "DTEND;VALUE=DATE:20281108" in unfolded
    assert any(re.fullmatch(r"DTSTAMP:\d{8}T\d{6}Z", line) for line in unfolded)
    assert any(line.startswith("UID:") for line in unfolded)
    assert "URL;VALUE=URI:http://localhost/districts/al-circuit-6" in unfolded
    description = next(line for line in unfolded if line.startswith("DESCRIPTION:"))
    assert "6th Judicial Circuit\\, Alabama" in description  # commas escaped


def test_calendar_text_is_escaped_and_folded():
    from voterguide.outreach.calendar import escape, fold

    assert escape('a,b;c\\d\ne') == "a\\,b\\;c\\\\d\\ne"
    folded = fold("DESCRIPTION:" + "é" * 100)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == "DESCRIPTION:" + "é" * 100


@pytest.mark.parametrize("path", [DISTRICT, CANDIDATE])
def test_share_buttons_are_plain_links_with_the_page_address_only(client, path):
    page = client.get(path).get_data(as_text=True)
    share = page[page.index('<section class="share"'):]
    share = share[:share.index("</section>")]
    hrefs = re.findall(r'href="([^"]+)"', share)
    starts = ["mailto:?", "sms:?", "https://wa.me/?text=", "https://twitter.com/intent/tweet?url=",
              "https://www.facebook.com/sharer/sharer.php?u="]
    for start in starts:
        assert any(h.startswith(start) for h in hrefs), start
    encoded = "http%3A%2F%2Flocalhost" + path.replace("/", "%2F")
    assert all(encoded in h for h in hrefs if not h.startswith("/")), hrefs
    assert f'readonly value="http://localhost{path}"' in share
    assert "<script" not in page and "<img" not in share


def test_share_links_never_carry_the_campaign_code_or_an_address(client):
    page = client.get(DISTRICT + "?ref=door-knock").get_data(as_text=True)
    assert "door-knock" not in page  # the page may be cached for other visitors


def test_the_flyer_has_race_candidates_answers_qr_and_lookup_address(client):
    response = client.get("/districts/al-circuit-6/flyer?size=a4")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for text in ["6th Judicial Circuit", "Sample data", "Jerome McBride", "Kendall Lassiter",
                 "Did not respond", "Money bail", "http://localhost/",
                 "http://localhost/districts/al-circuit-6"]:
        assert text in page, text
    assert '<svg' in page and 'class="qr"' in page
    [sheet] = re.findall(r'href="(/static/flyer-a4\.css)"', page)  # the A4 page box
    with client.get(sheet) as stylesheet:
        assert "size: A4" in stylesheet.get_data(as_text=True)


@pytest.mark.parametrize("size", ["legal", "A5", "<b>", "a" * 500])
def test_a_flyer_of_an_unknown_size_is_a_400(client, size):
    response = client.get("/districts/al-circuit-6/flyer", query_string={"size": size})
    assert response.status_code == 400
    assert "size=letter or size=a4" in response.get_data(as_text=True)


def test_the_flyer_summarises_each_answer_in_one_line(app):
    from voterguide import queries
    from voterguide.guide.services import district_page
    from voterguide.outreach.services import flyer_races

    [race] = flyer_races(district_page(queries.district_by_slug_or_id("al-circuit-6")))
    assert len(race.topics) == 10
    assert all(q.text.endswith("?") for q in race.questions)  # the question, not its topic
    assert race.responders and len(race.responders) < len(race.candidates)
    for candidate in race.responders:
        assert len(candidate.summaries) == 10
        assert all(s and "\n" not in s and len(s) <= 60 for s in candidate.summaries)
        assert "Answered in words" not in candidate.summaries
    # A scale answer says what its number means.
    scale = [i for i, q in enumerate(race.questions) if q.key]
    assert scale and all(re.fullmatch(r".+ \([1-5] of 5\)", c.summaries[i])
                         for c in race.responders for i in scale
                         if c.summaries[i] not in MISSING_BRIEFS)
    # Who did not respond is said once for the race, not in a cell per question.
    silent = [c for c in race.candidates if not c.responded]
    assert silent and all(c.summaries == [] for c in silent)
    assert all(c.name in race.silence for c in silent)


@pytest.mark.parametrize("size", ["letter", "a4"])
def test_the_pdf_flyer_is_one_page_with_a_scannable_qr_code(client, size):
    response = client.get(f"/districts/al-circuit-6/flyer.pdf?size={size}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", response.data)) == 1
    assert b"/Subtype /Image" in response.data  # the QR code, embedded as an image
    assert "attachment" in response.headers["Content-Disposition"]


def frame_ancestors(response) -> str:
    """The frame-ancestors directive of a response's Content-Security-Policy."""
    directives = dict(d.strip().split(" ", 1) for d in
                      response.headers["Content-Security-Policy"].split(";"))
    return directives["frame-ancestors"]


def test_the_embed_may_be_framed_by_partners_and_nothing_else_is(client):
    for path in ["/embed", "/embed/al-circuit-6"]:
        response = client.get(path)
        assert frame_ancestors(response) == "*"
        assert "X-Frame-Options" not in response.headers
    assert frame_ancestors(client.post("/embed", data={"address": "35401"})) == "*"
    for path in ["/", DISTRICT, CANDIDATE, "/districts/al-circuit-6/flyer", "/nope"]:
        response = client.get(path)
        assert frame_ancestors(response) == "'self'"
        assert response.headers["X-Frame-Options"] == "SAMEORIGIN"


def test_embed_origins_are_configurable(make_app):
    app = make_app(EMBED_ALLOWED_ORIGINS="https://partner.example.org  https://*.allies.example")
    response = app.test_client().get("/embed")
    assert frame_ancestors(response) == "https://partner.example.org https://*.allies.example"


def test_the_embed_looks_up_an_address_without_csrf_and_answers_in_the_frame(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    page = client.get("/embed").get_data(as_text=True)
    assert 'action="/embed"' in page and "csrf_token" not in page
    response = client.post("/embed", data={"address": "Tuscaloosa, AL 35401"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/embed/al-circuit-6"
    assert not response.headers.getlist("Set-Cookie")
    result = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "6th Judicial Circuit" in result and "Kendall Lassiter" in result
    assert 'href="http://localhost/districts/al-circuit-6" target="_blank"' in result
    # The main form needs no token either (a lookup changes nothing but a count); staff
    # forms keep theirs (test_pages.py).
    assert client.post("/", data={"address": "Tuscaloosa, AL 35401"}).status_code == 303


def test_the_embed_offers_a_choice_inside_the_frame(client):
    response = client.post("/embed", data={"address": "Salem, AL 36874"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Which county do you live in?" in page
    assert "Do you live in Lee County or Russell County?" in page
    assert "37th Judicial Circuit" in page and 'target="_blank"' in page


def test_the_embed_shows_jefferson_countys_two_races_like_the_guide(client):
    response = client.post("/embed", data={"address": "Jefferson County, Alabama"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/embed/al-circuit-10")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Birmingham Division" in page
    assert "If you live in the Bessemer Cutoff, you also vote for the Bessemer Division" in page


@pytest.mark.parametrize(("address", "status", "message"), [
    ("", 422, "Please type your address."),
    ("a" * 300, 422, "too long"),
    ("Qwertyuiop Zxcv", 422, "find that place"),
    ("123 Peachtree St, Atlanta, GA 30303", 422, "outside the area"),
])
def test_the_embed_answers_bad_addresses_in_the_frame(client, address, status, message):
    response = client.post("/embed", data={"address": address})
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert frame_ancestors(response) == "*"


@pytest.mark.parametrize("slug", ["nope", "ocd-division", "<script>", "a" * 300])
def test_an_unknown_embed_district_is_a_friendly_404(client, slug):
    response = client.get(f"/embed/{slug}")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "know that district" in page and 'name="address"' in page
    assert "<script>" not in page


@pytest.fixture
def declined(db):
    """A 6th-circuit candidate, marked in this test as having declined the questionnaire."""
    from sqlalchemy import select

    from voterguide.models import Answer, Candidate, ResponseStatus

    candidate = db.session.scalar(select(Candidate).where(Candidate.slug.like("al-circuit-6-%"))
                                  .order_by(Candidate.slug))
    candidate.response_status = ResponseStatus.DECLINED
    db.session.execute(Answer.__table__.delete().where(Answer.candidate_id == candidate.id))
    db.session.commit()
    return candidate.name, candidate.slug


def test_the_embed_says_a_candidate_declined(client, declined):
    name, _ = declined
    page = client.get("/embed/al-circuit-6").get_data(as_text=True)
    [line] = [li for li in re.findall(r"<li>(.*?)</li>", page, re.S) if name in li]
    assert "Declined to respond" in line
    assert "did not respond" not in line.lower()


def test_every_page_words_a_declined_candidate_alike(client, declined):
    name, slug = declined
    for path in ["/districts/al-circuit-6", f"/candidates/{slug}", "/embed/al-circuit-6",
                 "/districts/al-circuit-6/flyer"]:
        assert "Declined to respond" in client.get(path).get_data(as_text=True), path


def test_the_share_image_and_the_pdf_word_it_alike_too(app, declined):
    from voterguide import queries
    from voterguide.guide.services import district_page
    from voterguide.outreach.services import candidate_card, flyer_races

    name, slug = declined
    with app.test_request_context():
        card = candidate_card(queries.candidate_by_slug(slug))
        [race] = flyer_races(district_page(queries.district_by_slug_or_id("al-circuit-6")))
    assert "Declined to respond" in card.lines
    [flyer_candidate] = [c for c in race.candidates if c.name == name]
    assert flyer_candidate.status == "Declined to respond"  # the PDF's candidate line too
    assert f"{name} declined to respond." in race.silence
