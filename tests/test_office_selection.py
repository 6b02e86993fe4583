"""How each state chooses its district attorney, from its state.json: the sentence on the
district and race pages, and no party label anywhere for a nonpartisan office (pages, flyer,
PDF, share image, embed, API, open data), while a partisan office keeps its parties."""

from __future__ import annotations

import csv
import io
import json
import subprocess

import pytest

from voterguide import queries
from voterguide.extensions import db
from voterguide.models import State
from voterguide.presenters import office_selection_words
from voterguide.staff.demo import load_demo_election

from .support import DATA_DIR

#: A fictional race in a California county. The parties are given as a careless import
#: might give them: the guide must not show them for a nonpartisan office.
PARTIES = ("Fictional Party", "Another Party")
SAMPLE = {
    "sample": True,
    "election": {"slug": "ca-2026-primary-test-sample", "name": "2026 Primary (test sample)",
                 "date": "2026-06-02", "state": "CA"},
    "questionnaire": {"slug": "ca-2026-test-questionnaire", "title": "Test questionnaire",
                      "sent_on": "2026-03-01", "description": "Sample data.",
                      "questions": [{"position": 1, "topic": "Diversion", "kind": "yes_no",
                                     "text": "Would you expand diversion programs?"}]},
    "races": [{
        "district": "ocd-division/country:us/state:ca/county:alameda",
        "office": "District Attorney",
        "candidates": [
            {"slug": "ca-county-alameda-avery-testwell", "name": "Avery Testwell",
             "party": PARTIES[0], "incumbent": True, "questionnaire_status": "responded",
             "answers": [{"question": 1, "choice": "Yes", "explanation": "Sample answer.",
                          "received_on": "2026-03-20"}]},
            {"slug": "ca-county-alameda-jordan-placeholder", "name": "Jordan Placeholder",
             "party": PARTIES[1], "questionnaire_status": "no_response"},
        ],
    }],
}
PAGES = ["/districts/ca-county-alameda",
         "/districts/ca-county-alameda/ca-2026-primary-test-sample",
         "/candidates/ca-county-alameda-avery-testwell",
         "/candidates/ca-county-alameda-jordan-placeholder",
         "/embed/ca-county-alameda", "/districts/ca-county-alameda/flyer"]


@pytest.fixture
def nonpartisan_race(app, tmp_path):
    """The fictional Alameda County race, loaded by the demo loader."""
    path = tmp_path / "sample.json"
    path.write_text(json.dumps(SAMPLE), encoding="utf-8")
    load_demo_election(db.session, path)
    db.session.commit()


def assert_no_party(text: str, where: str) -> None:
    for word in (*PARTIES, "No party listed", "Party"):
        assert word not in text, (word, where)


def test_the_states_data_says_how_the_office_is_chosen():
    california = json.loads((DATA_DIR / "ca" / "state.json").read_text(encoding="utf-8"))
    alabama = json.loads((DATA_DIR / "al" / "state.json").read_text(encoding="utf-8"))
    assert california["office_selection"]["partisan"] is False
    assert alabama["office_selection"]["partisan"] is True


@pytest.mark.parametrize(("code", "expected"), [
    ("CA", ["elected for four years in a nonpartisan election",
            "without a party",
            "majority of the votes at the primary is elected outright",
            "otherwise the top two candidates meet again at the general election in November"]),
    ("AL", ["elected for six years in a partisan election",
            "each party chooses its candidate at a primary",
            "if nobody wins a majority of the votes there, the top two meet again in a runoff",
            "the general election in November decides"]),
])
def test_the_sentence_on_how_the_office_is_chosen(app, client, code, expected):
    sentence = office_selection_words(db.session.get(State, code))
    for words in expected:
        assert words in sentence
    slug = "ca-county-alameda" if code == "CA" else "al-circuit-6"
    page = client.get(f"/districts/{slug}").get_data(as_text=True)
    assert f'<p class="office-selection">{sentence}</p>' in page


def test_a_state_without_the_data_gets_no_sentence():
    assert office_selection_words(State(code="ZZ", name="Nowhere", fips="99",
                                        office_selection={})) == ""


def test_a_nonpartisan_race_shows_no_party_on_any_page(client, nonpartisan_race):
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        text = response.get_data(as_text=True)
        assert "Sample data" in text and ("Avery Testwell" in text or "jordan" in path), path
        assert_no_party(text, path)
    race_page = client.get(PAGES[1]).get_data(as_text=True)
    assert "nonpartisan election" in race_page and "Incumbent" in race_page


def test_a_nonpartisan_race_has_no_party_in_the_pdf_flyer(client, nonpartisan_race):
    response = client.get("/districts/ca-county-alameda/flyer.pdf")
    assert response.status_code == 200
    text = subprocess.run(["pdftotext", "-", "-"], input=response.data, capture_output=True,
                          check=True).stdout.decode()
    assert "Avery Testwell" in text and "Jordan Placeholder" in text
    assert_no_party(text, "flyer.pdf")


def test_a_nonpartisan_race_has_no_party_on_the_share_image(app, nonpartisan_race):
    from voterguide.outreach.services import candidate_card

    with app.test_request_context():
        card = candidate_card(queries.candidate_by_slug("ca-county-alameda-avery-testwell"))
        lines = " | ".join(card.lines)
    assert "Incumbent" in lines
    assert_no_party(lines, "share image")
    with app.test_client() as client:
        image = client.get("/share/candidates/ca-county-alameda-avery-testwell.png")
    assert image.status_code == 200 and image.mimetype == "image/png"


def test_a_nonpartisan_race_has_no_party_in_the_api_or_open_data(client, nonpartisan_race):
    body = client.get("/api/v1/districts/ca-county-alameda").get_json()
    [race] = body["races"]
    assert race["partisan"] is False
    assert [sorted(c) for c in race["candidates"]] and all(
        "party" not in c for c in race["candidates"])
    assert_no_party(json.dumps(body), "API")
    guide = client.get("/data/guide.json").get_json()
    races = {r["district"]["id"]: r for r in guide["races"]}
    alameda = races["ocd-division/country:us/state:ca/county:alameda"]
    assert alameda["partisan"] is False and all("party" not in c for c in alameda["candidates"])
    alabama = races["ocd-division/country:us/state:al/circuit:6"]
    assert alabama["partisan"] is True and all("party" in c for c in alabama["candidates"])
    table = list(csv.DictReader(io.StringIO(client.get("/data/guide.csv").get_data(
        as_text=True))))
    alameda_rows = [r for r in table if r["district_slug"] == "ca-county-alameda"]
    assert alameda_rows and {r["party"] for r in alameda_rows} == {""}
    assert any(r["party"] for r in table if r["district_slug"] == "al-circuit-6")


def test_a_partisan_race_keeps_its_parties(client):
    page = client.get("/districts/al-circuit-6").get_data(as_text=True)
    api = client.get("/api/v1/districts/al-circuit-6").get_json()
    parties = {c["party"] for r in api["races"] for c in r["candidates"]}
    assert parties - {None}
    for party in parties - {None}:
        assert party in page
