"""Pages in two languages (web/language.py): the language is in the address (``/es/...``),
``?lang=es`` redirects there, ``Accept-Language`` chooses the first page only (the home page
opened from outside the guide), every public page links
to its twin in the other language and says which is which (``<html lang>``, ``hreflang``),
and both twins are cacheable with no cookie."""

from __future__ import annotations

import re

import pytest

from .test_cache_headers import directives

PAGES = ["/", "/about", "/districts/", "/districts/al-circuit-6",
         "/what-a-district-attorney-does", "/share", "/embed"]


@pytest.mark.parametrize("path", PAGES)
def test_each_public_page_has_a_spanish_twin_that_says_so(client, path):
    english = client.get(path)
    spanish = client.get("/es" + path)
    assert english.status_code == spanish.status_code == 200
    assert '<html lang="en">' in english.text
    assert '<html lang="es">' in spanish.text


@pytest.mark.parametrize("path", ["/", "/districts/al-circuit-6", "/about"])
def test_the_language_switch_keeps_the_same_page(client, path):
    english = client.get(path).text
    spanish = client.get("/es" + path).text
    assert re.search(rf'<a href="/es{re.escape(path)}" hreflang="es" lang="es"[^>]*>Español</a>',
                     english)
    back = "/?lang=en" if path == "/" else path  # the English home page that never negotiates
    assert re.search(rf'<a href="{re.escape(back)}" hreflang="en" lang="en"[^>]*>English</a>',
                     spanish)


def test_hreflang_alternates_name_both_twins_absolutely(client):
    page = client.get("/es/districts/al-circuit-6").text
    assert '<link rel="canonical" href="http://localhost/es/districts/al-circuit-6">' in page
    for code, path in (("en", "/districts/al-circuit-6"), ("es", "/es/districts/al-circuit-6"),
                       ("x-default", "/districts/al-circuit-6")):
        assert f'<link rel="alternate" hreflang="{code}" href="http://localhost{path}">' in page


def test_links_made_on_a_spanish_page_stay_spanish(client):
    page = client.get("/es/districts/").text
    assert 'href="/es/districts/al-circuit-6"' in page
    assert 'href="/es/about"' in page


@pytest.mark.parametrize(("asked", "target"), [
    ("/?lang=es", "/es/"),
    ("/districts/al-circuit-6?lang=es", "/es/districts/al-circuit-6"),
    ("/embed?lang=es&ref=flyer", "/es/embed?ref=flyer"),
    ("/es/about?lang=en", "/about"),
])
def test_a_lang_parameter_redirects_to_the_address_in_that_language(client, asked, target):
    response = client.get(asked)
    assert response.status_code == 301
    assert response.headers["Location"] == target


def test_an_unknown_lang_parameter_is_ignored(client):
    assert client.get("/about?lang=xx").status_code == 200


def test_accept_language_changes_no_page_but_the_first(client):
    plain = client.get("/districts/al-circuit-6")
    asked = client.get("/districts/al-circuit-6", headers={"Accept-Language": "es-MX,es;q=0.9"})
    assert asked.text == plain.text
    assert "Accept-Language" not in asked.headers.get("Vary", "")


@pytest.mark.parametrize("path", ["/", "/districts/al-circuit-6"])
def test_an_english_page_and_its_spanish_twin_are_both_cacheable_with_no_cookie(client, path):
    for url in (path, "/es" + path):
        response = client.get(url)
        assert "public" in directives(response), url
        assert "Set-Cookie" not in response.headers, url
        assert "Cookie" not in response.headers.get("Vary", ""), url
        assert response.headers.get("ETag"), url


def test_a_qr_code_made_on_a_spanish_page_points_to_the_spanish_page(client):
    page = client.get("/es/districts/al-circuit-6").text
    assert 'href="/es/qr.svg?path=/es/districts/al-circuit-6"' in page
    response = client.get("/es/qr.svg?path=/es/districts/al-circuit-6")
    assert response.status_code == 200
    assert "http://localhost/es/districts/al-circuit-6" in response.text


def test_a_spanish_flyer_links_to_the_spanish_page(client):
    flyer = client.get("/es/districts/al-circuit-6/flyer")
    assert flyer.status_code == 200
    assert "http://localhost/es/districts/al-circuit-6" in flyer.text


def test_the_sitemap_lists_every_public_page_in_both_languages(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    body = response.text
    for path in ("/", "/districts/al-circuit-6", "/about"):
        assert f"<loc>http://localhost{path}</loc>" in body
        assert f"<loc>http://localhost/es{path if path != '/' else '/'}</loc>" in body
    assert ('<xhtml:link rel="alternate" hreflang="es" '
            'href="http://localhost/es/districts/al-circuit-6"/>') in body
    assert "/candidates/" in body
    from xml.etree import ElementTree

    ElementTree.fromstring(response.data)  # well-formed


SPANISH_FIRST = {"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"}


@pytest.mark.parametrize("accept", ["es-MX,es;q=0.9,en;q=0.5", "es", "en;q=0.3, es-ES"])
def test_the_home_page_from_outside_goes_to_spanish_for_a_browser_that_prefers_it(client,
                                                                                 accept):
    response = client.get("/", headers={"Accept-Language": accept})
    assert response.status_code == 302
    assert response.headers["Location"] == "/es/"
    assert {"accept-language", "referer"} <= {v.strip().lower() for v in
                                              response.headers["Vary"].split(",")}
    assert "Set-Cookie" not in response.headers
    # From another site's link too: only this site's own links keep the English home page.
    elsewhere = client.get("/", headers={"Accept-Language": accept,
                                         "Referer": "https://news.example/story"})
    assert elsewhere.status_code == 302


@pytest.mark.parametrize("accept", [None, "en-US,en;q=0.9,es;q=0.8", "*", "fr-FR,fr",
                                    "de;q=0.9,en;q=0.5", "x" * 2000, "es;q=abc,,;;"])
def test_the_home_page_stays_english_for_every_other_browser(client, accept):
    headers = {"Accept-Language": accept} if accept else {}
    response = client.get("/", headers=headers)
    if accept == "es;q=abc,,;;":  # malformed: never a 500, whatever it is read as
        assert response.status_code in (200, 302)
        return
    assert response.status_code == 200 and '<html lang="en">' in response.text
    assert "accept-language" in response.headers["Vary"].lower()
    assert "public" in directives(response)


def test_a_reader_who_chose_english_keeps_it(client):
    """The switch's English home page and the guide's own links to it never negotiate."""
    chosen = client.get("/?lang=en", headers=SPANISH_FIRST)
    assert chosen.status_code == 200 and '<html lang="en">' in chosen.text
    assert '<link rel="canonical" href="http://localhost/">' in chosen.text
    followed = client.get("/", headers={**SPANISH_FIRST,
                                        "Referer": "http://localhost/districts/al-circuit-6"})
    assert followed.status_code == 200 and '<html lang="en">' in followed.text


def test_a_held_english_home_page_is_no_reason_to_skip_the_choice(client):
    """A 304 would keep a Spanish-first visitor on the English page a cache held."""
    etag = client.get("/").headers["ETag"]
    response = client.get("/", headers={**SPANISH_FIRST, "If-None-Match": etag})
    assert response.status_code == 302


@pytest.mark.parametrize("path", ["/about", "/districts/al-circuit-6", "/?ref=flyer",
                                  "/es/"])
def test_no_other_page_negotiates(client, path):
    response = client.get(path, headers=SPANISH_FIRST)
    assert response.status_code == 200
    assert "accept-language" not in response.headers.get("Vary", "").lower()
