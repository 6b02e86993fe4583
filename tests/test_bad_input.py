"""Hostile, malformed and odd input through the form and the API: a clear 4xx, never a 5xx,
and nothing saved is changed."""

from __future__ import annotations

import random
import string

import pytest

from voterguide.models import Candidate

NASTY = [
    "", " ", "\t\n", "a" * 10_240, "😀", "😀 " * 50, "<script>alert(1)</script>",
    "\" onmouseover=\"alert(1)", "'; DROP TABLE candidates; --", "%s%s%s%n", "{{ 7*7 }}",
    "${jndi:ldap://x}", "../../../../etc/passwd", "0", "12", "-1", "99999", "00000",
    "1e309", "NaN", "None", "null", "[]", "{}", "lat=999", "999, 999", "33.2, -87.5, 12",
    "10 Downing Street, London SW1A 2AA", "Straße 5, 10115 Berlin", "東京都千代田区1-1",
    "улица Ленина 1, Москва", "شارع 1، القاهرة", "\u202eLA ,asoolacsuT", "Tuscaloosa\u0000",
    "\x1b[31mred", "AL", "Alabama", "USA", "County", "P.O. Box", "RR 1 Box 1",
    "Apt 1 Apt 2 Apt 3", "1 1 1 1 1 1 1 1 1 1 1 1", ",,,,,,,,,,,,", "\ufeff35401",
    "35401" * 40, "Tuscaloosa, AL 35401" + " " * 5000, "ＴＵＳＣＡＬＯＯＳＡ",
]


def random_inputs(count: int) -> list[str]:
    """Seeded random strings over printable, unicode and address-like alphabets."""
    rng = random.Random(20261124)
    alphabets = [string.printable, "0123456789 ,-.#", "ÀÉÎÕÜñçßøłž漢字😀 ,", string.ascii_letters]
    words = ["Main", "St", "Apt", "AL", "35401", "County", "Box", "RR", "Hwy", "#", ","]
    out = []
    for _ in range(count):
        if rng.random() < 0.5:
            alphabet = rng.choice(alphabets)
            out.append("".join(rng.choice(alphabet) for _ in range(rng.randint(0, 80))))
        else:
            out.append(" ".join(rng.choice(words) for _ in range(rng.randint(1, 12))))
    return out


def candidate_rows(db) -> list[tuple]:
    """Everything saved about candidates, to compare before and after."""
    return [(c.id, c.name, c.party, c.response_status) for c in
            db.session.query(Candidate).order_by(Candidate.id)]


@pytest.mark.parametrize("address", NASTY)
def test_the_form_answers_nasty_input_with_a_4xx_or_a_redirect(client, address):
    response = client.post("/", data={"address": address})
    assert response.status_code in (303, 422), response.status_code
    if response.status_code == 422:
        assert 'role="alert"' in response.get_data(as_text=True) or \
            'class="error"' in response.get_data(as_text=True)


@pytest.mark.parametrize("address", NASTY)
def test_the_api_answers_nasty_input_with_json(client, address):
    response = client.post("/api/v1/lookup", json={"address": address})
    assert response.status_code in (200, 400, 422), response.status_code
    assert response.is_json


def test_hundreds_of_random_inputs_never_cause_a_5xx(client, db):
    before = candidate_rows(db)
    statuses = set()
    for text in random_inputs(300):
        statuses.add(client.post("/", data={"address": text}).status_code)
        statuses.add(client.get("/api/v1/lookup", query_string={"address": text}).status_code)
    assert all(s < 500 for s in statuses), statuses
    assert candidate_rows(db) == before


@pytest.mark.parametrize("query", [
    "district=" + "x" * 5000, "&".join(["district=al-circuit-1"] * 50), "district=%00",
    "district=al-circuit-1&district=al-circuit-2&why=<script>", "why=border",
    "district=al-circuit-1&district=al-circuit-2&why=" + "😀" * 100,
])
def test_the_picker_refuses_odd_links_calmly(client, query):
    response = client.get("/choose?" + query)
    assert response.status_code in (200, 303, 404)
    assert "<script>" not in response.get_data(as_text=True)


@pytest.mark.parametrize("path", [
    "/districts/" + "x" * 3000, "/districts/%00", "/candidates/<script>", "/districts/😀",
    "/candidates/..%2F..%2Fetc", "/api/v1/districts/" + "a/" * 200,
    # A NUL can't be stored in PostgreSQL text: it finds nothing instead of erring.
    "/candidates/%00", "/districts/al-circuit-6/%00", "/embed/%00", "/d/%00", "/c/%00",
    "/share/districts/%00.png", "/share/candidates/%00.png", "/api/v1/districts/%00",
    "/districts/%00/flyer", "/districts/%00/election.ics",
])
def test_odd_paths_are_404(client, path):
    assert client.get(path).status_code == 404


def test_a_huge_body_is_refused_with_413(client):
    response = client.post("/", data={"address": "a" * 200_000})
    assert response.status_code == 413


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_other_methods_are_405(client, method):
    assert getattr(client, method)("/").status_code == 405


@pytest.mark.parametrize("path", ["/", "/es/"])
def test_a_form_not_sent_as_utf8_is_refused_not_saved_escaped(client, path):
    """Latin-1 bytes ("Caf\xe9") would otherwise be read as the text "Caf%E9"."""
    response = client.post(path, data=b"address=Caf%E9+35401",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert ("was not sent as UTF-8 text" in page) or ("no se envió como texto UTF-8" in page)
    utf8 = client.post(path, data="address=Caf%C3%A9+35401",
                       content_type="application/x-www-form-urlencoded")
    assert utf8.status_code in (303, 422)
