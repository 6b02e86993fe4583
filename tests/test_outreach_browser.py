"""Outreach in a real browser: the embed inside a partner's page on another port, flyers
printed to PDF on one page, a printed flyer's QR code scanned, axe-core audits."""

from __future__ import annotations

import io
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from .support import DESKTOP, HOST, PHONE
from .support.browser import axe_results, csp_violations

ADDRESS_LABEL = "Your home address"


@pytest.fixture(scope="module")
def partner_site(server) -> str:
    """A partner's plain HTML page, served on another port, that frames the embed."""
    page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Partner site</title></head><body><main><h1>Our partner's page</h1>
<iframe id="embed" src="{server}/embed" title="Find your district attorney race"
        width="400" height="600" style="border:1px solid #999"></iframe>
<iframe id="framed-page" src="{server}/districts/al-circuit-6" title="A district page"
        width="400" height="200"></iframe>
</main></body></html>""".encode()

    class Partner(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the http.server name)
            """Serve the partner page."""
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args):
            """Keep the test output quiet."""

    httpd = ThreadingHTTPServer((HOST, 0), Partner)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://{HOST}:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


def test_an_address_typed_into_the_embed_on_a_partner_site_finds_the_district(
        new_page, partner_site, server):
    page = new_page()
    page.goto(partner_site)
    embed = page.frame_locator("#embed")
    field = embed.get_by_label(ADDRESS_LABEL)
    field.focus()
    page.keyboard.type("Tuscaloosa, AL 35401")
    page.keyboard.press("Enter")  # keyboard only
    heading = embed.get_by_role("heading", level=1)
    expect(heading).to_contain_text("6th Judicial Circuit")
    expect(embed.get_by_role("main")).to_contain_text("Kendall Lassiter")
    link = embed.get_by_role("link", name=re.compile("See every candidate"))
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("href", f"{server}/districts/al-circuit-6")
    frame = page.frame(url=re.compile(r"/embed/al-circuit-6$"))
    assert frame is not None and "35401" not in frame.url
    assert page.url == partner_site  # the partner's page stayed put


def test_other_pages_refuse_to_be_framed_by_another_site(new_page, partner_site, server):
    page = new_page()
    page.goto(partner_site)
    expect(page.frame_locator("#embed").get_by_role("heading", level=1)).to_be_visible()
    framed = page.frame_locator("#framed-page")
    expect(framed.get_by_role("heading", level=1)).to_have_count(0)
    urls = [frame.url for frame in page.frames]
    assert f"{server}/embed" in urls
    assert not any(url.startswith(server + "/districts/") for url in urls), urls


def test_the_embed_offers_a_picker_in_the_frame(new_page, partner_site):
    page = new_page()
    page.goto(partner_site)
    embed = page.frame_locator("#embed")
    embed.get_by_label(ADDRESS_LABEL).fill("Salem, AL 36874")
    embed.get_by_role("button", name="Find my race").click()
    expect(embed.get_by_role("heading", level=1)).to_have_text("Which county do you live in?")
    expect(embed.get_by_role("link", name=re.compile("Russell County"))).to_be_visible()


@pytest.mark.parametrize("path", ["/districts/al-circuit-6/flyer?size=letter",
                                  "/districts/al-circuit-3/flyer?size=a4",
                                  "/districts/al-circuit-10-bessemer/flyer",
                                  "/districts/ca-county-sacramento/flyer"])  # four candidates
@pytest.mark.parametrize("paper", ["Letter", "A4"])
def test_the_flyer_prints_on_one_page(new_page, path, paper):
    page = new_page()
    page.goto(path)
    pdf = page.pdf(format=paper, print_background=True, prefer_css_page_size=False)
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))
    assert pages == 1, f"{path} prints on {pages} {paper} pages"


def test_the_qr_code_of_a_printed_flyer_scans_to_the_district_page(new_page, server):
    page = new_page(viewport={"width": 816, "height": 1056})
    page.goto("/districts/al-circuit-6/flyer?ref=church")
    page.emulate_media(media="print")
    image = Image.open(io.BytesIO(page.screenshot(full_page=True)))
    texts = [result.text for result in zxingcpp.read_barcodes(image)]
    assert texts == [f"{server}/districts/al-circuit-6?ref=church"]


AUDITS = [("/embed", DESKTOP), ("/embed", PHONE), ("/embed/al-circuit-6", PHONE),
          ("/embed/nope", DESKTOP), ("/districts/al-circuit-6/flyer", DESKTOP),
          ("/districts/al-circuit-6/al-2028-general-sample", DESKTOP)]


@pytest.mark.parametrize(("path", "viewport"), AUDITS,
                         ids=[f"{p}-{v['width']}" for p, v in AUDITS])
def test_axe_finds_no_violations(new_page, path, viewport):
    page = new_page(viewport=viewport)
    page.goto(path)
    results = axe_results(page)
    assert results.violations_count == 0, results.generate_report()
    assert csp_violations(page) == []  # no inline script or style was blocked


@pytest.mark.parametrize("path", ["/embed", "/embed/al-circuit-3", "/districts/al-circuit-6/flyer"])
def test_fits_a_320_pixel_screen(new_page, path):
    page = new_page(viewport=PHONE)
    page.goto(path)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{path} is {width} px wide at 320 px"


def test_the_district_page_prints_without_its_share_tools(new_page):
    page = new_page()
    page.goto("/districts/al-circuit-6")
    page.emulate_media(media="print")
    expect(page.locator("section.share")).to_be_hidden()
    expect(page.locator("header.site nav")).to_be_hidden()
    expect(page.get_by_text("Find your own race:")).to_be_visible()
