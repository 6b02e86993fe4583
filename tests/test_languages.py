"""Pages in two languages (web/language.py): the language is in the address (``/es/...``),
``?lang=es`` redirects there, ``Accept-Language`` changes nothing, every public page links
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
    assert re.search(rf'<a href="{re.escape(path)}" hreflang="en" lang="en"[^>]*>English</a>',
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


def test_accept_language_never_changes_a_page(client):
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
