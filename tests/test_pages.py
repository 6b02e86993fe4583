"""The public pages through the Flask test client, on the seeded SQLite database."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
import time_machine
from sqlalchemy import select

from .support import DATA_DIR

DEMO = json.loads((DATA_DIR / "al" / "demo-election.json").read_text(encoding="utf-8"))


def race_spec(slug: str) -> dict:
    """The demo race of a district, by district slug."""
    district_id = "ocd-division/country:us/state:al/" + slug.removeprefix("al-").replace(
        "circuit-10-bessemer", "circuit:10/division:bessemer").replace("circuit-", "circuit:")
    return next(r for r in DEMO["races"] if r["district"] == district_id)


def text_of(response) -> str:
    """A page's HTML as text."""
    return response.get_data(as_text=True)


@pytest.mark.parametrize("path", [
    "/", "/districts/", "/districts/al-circuit-6", "/districts/al-circuit-10-bessemer",
    "/about", "/what-a-district-attorney-does",
    "/choose?district=al-circuit-37&district=al-circuit-26&why=coarse",
])
def test_public_pages_render(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert "<main" in text_of(response)


def test_home_has_a_labelled_address_form_without_a_token_or_cookie(make_app):
    """A lookup changes nothing but a count: its form needs no CSRF token, and so no session
    (web/freshness.py). Staff forms keep theirs (next test)."""
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    response = client.get("/")
    page = text_of(response)
    assert re.search(r'<label for="address">Your home address</label>', page)
    assert "csrf_token" not in page
    assert 'method="post"' in page
    assert "Set-Cookie" not in response.headers
    looked_up = client.post("/", data={"address": "35401"})
    assert looked_up.status_code == 303 and "Set-Cookie" not in looked_up.headers
    located = client.post("/locate", data={"lat": "33.2098", "lon": "-87.5692"})
    assert located.status_code == 303 and "Set-Cookie" not in located.headers


def test_a_staff_form_without_its_csrf_token_is_refused_politely(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    response = app.test_client().post("/staff/login", data={"email": "a@example.org",
                                                            "password": "x"})
    assert response.status_code == 400
    assert "expired" in text_of(response)


@time_machine.travel(dt.datetime(2028, 8, 16, 12), tick=False)  # past the questionnaire's deadline
def test_the_district_page_shows_the_race_side_by_side(client):
    spec = race_spec("al-circuit-6")
    page = text_of(client.get("/districts/al-circuit-6"))
    assert "Sample data" in page
    assert "6th Judicial Circuit" in page
    assert "Tuesday, November 7, 2028" in page
    for candidate in spec["candidates"]:
        assert candidate["name"] in page
    questions = DEMO["questionnaire"]["questions"]
    assert page.count('class="question"') == len(questions)
    # A cell for every candidate who returned the questionnaire: an answer, or a plain
    # reason why there is none; those who did not are named once, above the questions.
    responders = [c for c in spec["candidates"] if c["questionnaire_status"] == "responded"]
    silent = [c for c in spec["candidates"] if c["questionnaire_status"] != "responded"]
    assert responders and silent
    cells = page.count('<p class="who">')
    assert cells == len(questions) * len(responders)
    assert "Did not respond to the questionnaire." not in page
    assert (f"{len(silent)} of {len(spec['candidates'])} candidates did not respond by "
            f"Aug 15, 2028: {silent[0]['name']}.") in page
    assert "We sent the questionnaire to every candidate on Jun 1, 2028 and a reminder on " \
        "Jun 15, 2028." in page
    assert "Did not answer this question." in page
    assert 'viewBox="0 0 300' in page  # the inline map


def test_answers_show_their_source_and_escape_markup(client, db):
    """An answer written in this test, with markup in it, shows on the district page as
    text, with the questionnaire it answered and the day it was received."""
    from voterguide.models import Answer, Candidate

    answer = db.session.scalar(select(Answer).join(Candidate).where(
        Candidate.slug.like("al-circuit-6-%")).order_by(Answer.id))
    answer.explanation = 'Fines <b>punish</b> the poor & <script>alert("x")</script> more.'
    answer.received_on = dt.date(2028, 7, 9)
    title = answer.question.questionnaire.title
    db.session.commit()
    page = text_of(client.get("/districts/al-circuit-6"))
    assert "<b>punish</b>" not in page and "<script>alert" not in page
    assert ("Fines &lt;b&gt;punish&lt;/b&gt; the poor &amp; &lt;script&gt;alert(&#34;x&#34;)"
            "&lt;/script&gt; more.") in page
    assert f"From the {title}, received Jul 9, 2028." in page


def test_markup_in_an_answer_is_shown_as_text(client, db):
    from voterguide.models import Answer

    answer = db.session.query(Answer).first()
    answer.explanation = '<script>alert("x")</script> & <b>bold</b>'
    db.session.commit()
    page = text_of(client.get(f"/candidates/{answer.candidate.slug}"))
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page


def test_nobody_responded_is_said_plainly(client):
    spec = race_spec("al-circuit-2")
    assert all(c["questionnaire_status"] != "responded" for c in spec["candidates"])
    page = text_of(client.get("/districts/al-circuit-2"))
    assert f"0 of {len(spec['candidates'])} candidates returned" in page


def test_a_declined_candidate_says_so(client):
    declined = next(c for r in DEMO["races"] for c in r["candidates"]
                    if c["questionnaire_status"] == "declined")
    page = text_of(client.get(f"/candidates/{declined['slug']}"))
    assert "Declined to respond" in page


def test_the_candidate_page_shows_every_answer_in_full(client):
    longest = max(((c, a) for r in DEMO["races"] for c in r["candidates"] for a in c["answers"]),
                  key=lambda pair: len(pair[1]["explanation"]))
    candidate, answer = longest
    page = text_of(client.get(f"/candidates/{candidate['slug']}"))
    assert candidate["name"] in page and "Sample data" in page
    last_paragraph = answer["explanation"].split("\n\n")[-1].strip()
    assert last_paragraph.split()[-1].replace('"', "&#34;") in page
    assert "<details" not in page  # folded on the district page only


def test_the_bessemer_division_is_explained_not_drawn(client):
    page = text_of(client.get("/districts/al-circuit-10-bessemer"))
    assert "Bessemer" in page
    assert "exact boundary is not published" in page


def test_every_county_is_listed_with_its_district(client):
    page = text_of(client.get("/districts/"))
    alabama, california = page.split('id="state-CA"')
    assert alabama.count('<th scope="row">') == 67  # then California's 58
    assert california.count('<th scope="row">') == 58
    assert "Jefferson County" in page and "Bessemer Division" in page


@pytest.mark.parametrize("path", ["/districts/nope", "/candidates/nope", "/nope",
                                  "/choose", "/choose?district=nope"])
def test_unknown_pages_are_a_friendly_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "couldn't find that page" in text_of(response)


def test_the_picker_with_one_known_district_goes_straight_there(client):
    response = client.get("/choose?district=al-circuit-6&district=nope")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/districts/al-circuit-6")


def test_the_picker_explains_why_it_asks(client):
    page = text_of(client.get("/choose?district=al-circuit-37&district=al-circuit-26"
                              "&why=coarse"))
    assert "We know only your ZIP code or town" in page
    assert "Do you live in Lee County or Russell County?" in page
    assert "37th Judicial Circuit" in page and "26th Judicial Circuit" in page
    assert "myinfo.alabamavotes.gov" in page  # the state's own tools to check


def test_an_office_inside_another_is_no_answer_of_its_own(client):
    """Old picker links between Jefferson County's two offices lead to the page of the one
    the whole county votes for, which shows both races."""
    response = client.get("/choose?district=al-circuit-10&district=al-circuit-10-bessemer"
                          "&why=shared_county")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/districts/al-circuit-10")


@pytest.mark.parametrize(("address", "target"), [
    ("Tuscaloosa, AL 35401", "/districts/al-circuit-6"),
    ("2000 University Blvd, Tuscaloosa, AL 35401", "/districts/al-circuit-6"),
    ("33.2098, -87.5692", "/districts/al-circuit-6"),
    ("Montgomery County, AL", "/districts/al-circuit-15"),
])
def test_an_address_redirects_to_its_district(client, address, target):
    response = client.post("/", data={"address": address})
    assert response.status_code == 303
    assert response.headers["Location"] == target


def test_an_uncertain_address_redirects_to_a_picker_without_the_address(client):
    response = client.post("/", data={"address": "Salem, AL 36874"})
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.startswith("/choose?")
    assert "36874" not in location and "Salem" not in location
    page = text_of(client.get(location))
    assert "Lee County" in page and "Russell County" in page


def test_the_picker_names_only_the_counties_the_place_touches(client):
    """Selma's ZIP codes reach into Dallas, Perry and Autauga Counties: the picker asks about
    those, not about every county of the 4th and 19th circuits."""
    response = client.post("/", data={"address": "Selma, AL"})
    assert response.status_code == 303
    page = text_of(client.get(response.headers["Location"]))
    assert "Dallas County" in page and "Perry County" in page and "Autauga County" in page
    for elsewhere in ("Bibb County", "Hale County", "Wilcox County", "Chilton County",
                      "Elmore County"):
        assert elsewhere not in page


def test_a_picker_link_without_counties_names_every_county(client):
    page = text_of(client.get("/choose?district=al-circuit-4&district=al-circuit-19"
                              "&county=99999&county=x"))
    assert "Bibb County" in page and "Elmore County" in page


def test_another_state_is_outside_this_guide(client):
    response = client.post("/", data={"address": "123 Peachtree St, Atlanta, GA 30303"})
    assert response.status_code == 422
    page = text_of(response)
    assert "outside the area this guide covers" in page and "Alabama" in page


def test_an_outage_says_so_and_is_not_not_found(client, fake_geocoder):
    fake_geocoder.fail()
    response = client.post("/", data={"address": "35401"})
    assert response.status_code == 503
    assert "not answering" in text_of(response)
    assert "couldn't find" not in text_of(response)


def test_the_form_keeps_what_was_typed_after_an_error(client):
    response = client.post("/", data={"address": "Qwertyuiop Zxcv"})
    assert response.status_code == 422
    assert 'value="Qwertyuiop Zxcv"' in text_of(response)


def test_a_server_error_is_a_friendly_500(make_app):
    app = make_app(PROPAGATE_EXCEPTIONS=False, TESTING=False)

    @app.get("/boom")
    def boom():
        raise RuntimeError("boom")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "Something went wrong on our side" in text_of(response)
    assert "RuntimeError" not in text_of(response)


@pytest.mark.parametrize(("form", "status", "target"), [
    ({"lat": "33.2098", "lon": "-87.5692", "accuracy": "30"}, 303, "/districts/al-circuit-6"),
    ({"lat": "33.5186", "lon": "-86.8104"}, 303, "/districts/al-circuit-10"),
    ({"lat": "32.4700", "lon": "-84.9900"}, 303, "/choose?"),  # by the Georgia line
    ({"lat": "33.2098", "lon": "-87.5692", "accuracy": "60000"}, 303, "/choose?"),
    ({"lat": "40.7", "lon": "-74.0"}, 422, None),
    ({"lat": "nan", "lon": "1"}, 422, None),
    ({"lat": "999", "lon": "1"}, 422, None),
    ({"lat": "", "lon": ""}, 422, None),
    ({"lat": "<b>", "lon": "x"}, 422, None),
])
def test_use_my_location(client, form, status, target):
    response = client.post("/locate", data=form)
    assert response.status_code == status
    if target:
        assert response.headers["Location"].startswith(target)
        assert form["lat"] not in response.headers["Location"]


def test_the_location_button_is_hidden_until_script_offers_it(client):
    page = text_of(client.get("/"))
    assert re.search(r'<form [^>]*id="use-location" hidden>', page)
    assert '<script src="/static/locate.js" defer></script>' in page
