"""The JSON API: lookups by address and by point, district details, and JSON errors."""

from __future__ import annotations

import pytest

BESSEMER = "ocd-division/country:us/state:al/circuit:10/division:bessemer"


def test_lookup_by_address(client):
    body = client.get("/api/v1/lookup", query_string={"address": "Tuscaloosa, AL 35401"}).json
    assert body["ambiguous"] is False
    assert body["location"]["precision"] == "zip"
    assert [d["id"] for d in body["districts"]] == ["ocd-division/country:us/state:al/circuit:6"]
    assert body["districts"][0]["url"] == "http://localhost/districts/al-circuit-6"


def test_lookup_by_address_in_a_json_body_keeps_it_out_of_the_url(client):
    response = client.post("/api/v1/lookup", json={"address": "Tuscaloosa, AL 35401"})
    assert response.status_code == 200
    assert response.json["districts"][0]["name"] == "6th Judicial Circuit"


def test_lookup_by_point(client):
    body = client.get("/api/v1/lookup?lat=32.3668&lon=-86.3").json
    assert body == {
        "location": {"lat": 32.3668, "lon": -86.3, "precision": "point"},
        "districts": [{"id": "ocd-division/country:us/state:al/circuit:15",
                       "name": "15th Judicial Circuit", "office": "District Attorney",
                       "url": "http://localhost/districts/al-circuit-15",
                       "certain": True, "reason": "certain", "share": None,
                       "relation": "one_of"}],
        "outside": {"possible": False},
        "ambiguous": False,
        "reason": "certain",
    }


def test_jefferson_county_has_the_birmingham_race_for_certain_and_bessemer_perhaps(client):
    body = client.get("/api/v1/lookup?lat=33.5186&lon=-86.8104").json
    assert body["ambiguous"] is False and body["reason"] == "certain"
    birmingham, bessemer = body["districts"]
    assert (birmingham["id"], birmingham["certain"], birmingham["relation"]) == (
        "ocd-division/country:us/state:al/circuit:10", True, "one_of")
    assert (bessemer["id"], bessemer["certain"], bessemer["reason"], bessemer["relation"]) == (
        BESSEMER, False, "shared_county", "also")


def test_a_zip_across_a_county_line_says_why_with_shares_and_county_names(client):
    body = client.get("/api/v1/lookup", query_string={"address": "36874"}).json
    assert body["ambiguous"] is True and body["reason"] == "coarse"
    assert [(d["name"], d["certain"], d["reason"]) for d in body["districts"]] == [
        ("37th Judicial Circuit", False, "coarse"), ("26th Judicial Circuit", False, "coarse")]
    # Census 2020: 274,560,992 m2 of the ZCTA's land in Lee County, 15,337,128 in Russell.
    assert body["districts"][0]["share"] == pytest.approx(0.9471, abs=1e-4)
    assert body["message"].endswith("Do you live in Lee County or Russell County?")


def test_a_zip_across_the_state_line_offers_outside(client):
    body = client.get("/api/v1/lookup", query_string={"address": "36855"}).json
    assert body["ambiguous"] is True
    assert body["outside"] == {"possible": True, "share": pytest.approx(0.011, abs=1e-3)}
    assert body["message"].endswith("Do you live in Chambers County or outside Alabama?")


def test_a_zip_without_a_position_is_a_place_not_an_outage(client):
    response = client.get("/api/v1/lookup", query_string={"address": "35270"})
    assert response.status_code == 200
    body = response.json
    assert body["location"] == {"lat": None, "lon": None, "precision": "zip"}
    assert {d["name"] for d in body["districts"] if d["relation"] == "one_of"} >= {
        "10th Judicial Circuit (Birmingham Division)"}


def test_typed_zero_zero_is_outside_not_an_outage(client):
    response = client.get("/api/v1/lookup", query_string={"address": "0, 0"})
    assert response.status_code == 200 and response.json["reason"] == "outside"


def test_a_point_outside_every_district_is_an_empty_list_and_a_message(client):
    body = client.get("/api/v1/lookup?lat=40.7128&lon=-74.006").json
    assert body["districts"] == [] and body["ambiguous"] is False
    assert "outside" in body["message"]


def test_an_address_in_another_state_is_outside(client):
    body = client.get("/api/v1/lookup", query_string={"address": "Atlanta, GA 30303"}).json
    assert body["districts"] == [] and body["reason"] == "outside"


@pytest.mark.parametrize(("query", "status", "code"), [
    ("", 400, "missing_parameters"),
    ("lat=33", 400, "missing_parameters"),
    ("lat=999&lon=1", 400, "invalid_lat"),
    ("lat=33&lon=-999", 400, "invalid_lon"),
    ("lat=nan&lon=1", 400, "invalid_lat"),
    ("lat=inf&lon=1", 400, "invalid_lat"),
    ("lat=abc&lon=1", 400, "invalid_lat"),
    ("lat=1e400&lon=1", 400, "invalid_lat"),
    ("address=35401&lat=1&lon=1", 400, "conflicting_parameters"),
    ("address=", 400, "invalid_address"),
    ("address=%20%20%20", 400, "invalid_address"),
    ("address=" + "a" * 300, 400, "invalid_address"),
    ("address=%00%01", 400, "invalid_address"),
    ("address=asdfghjkl", 422, "address_not_found"),
    ("address=%3Cscript%3E", 422, "address_not_found"),
])
def test_lookup_errors_are_json_4xx(client, query, status, code):
    response = client.get("/api/v1/lookup?" + query)
    assert response.status_code == status
    assert response.json["error"]["code"] == code
    assert response.json["error"]["message"]


def test_a_near_miss_is_answered_with_suggestions(client):
    response = client.get("/api/v1/lookup?address=Tuscalosa")
    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "address_not_found"
    assert any(s.startswith("Tuscaloosa") for s in error["suggestions"])
    assert "Did you mean" in error["message"]


def test_a_far_miss_has_no_suggestions(client):
    response = client.get("/api/v1/lookup?address=asdfghjkl")
    assert response.json["error"]["suggestions"] == []


@pytest.mark.parametrize("body", [None, "not json", "[1, 2]", '"text"', "{bad json"])
def test_a_bad_json_body_is_a_400(client, body):
    response = client.post("/api/v1/lookup", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.json["error"]["code"] == "invalid_json"


@pytest.mark.parametrize("body", [{"address": 35401}, {"address": None}, {"address": ["a"]},
                                  {"lat": True, "lon": 1}, {"lat": "x", "lon": 1}])
def test_wrong_types_in_a_json_body_are_a_400(client, body):
    assert client.post("/api/v1/lookup", json=body).status_code == 400


def test_an_outage_is_a_503_not_a_not_found(client, fake_geocoder):
    fake_geocoder.fail()
    response = client.get("/api/v1/lookup?address=35401")
    assert response.status_code == 503
    assert response.json["error"]["code"] == "geocoder_unavailable"


def test_a_district_with_its_races_candidates_and_answers(client):
    body = client.get("/api/v1/districts/ocd-division/country:us/state:al/circuit:6").json
    assert body["name"] == "6th Judicial Circuit"
    assert body["counties"] == [{"fips": "01125", "name": "Tuscaloosa"}]
    assert body["sample"] is True
    race = body["races"][0]
    assert race["election"] == {"slug": "al-2028-general-sample",
                                "name": "2028 General Election (sample)",
                                "date": "2028-11-07", "sample": True, "stages": [],
                                "translations": {"es": {
                                    "name": "Elección general de 2028 (ejemplo)"}}}
    assert len(race["questions"]) == 10
    first = race["questions"][0]  # the Spanish texts staff gave, for a partner's own pages
    assert (first["topic"], first["translations"]["es"]["topic"]) == ("Money bail",
                                                                      "Fianza en dinero")
    assert set(first["translations"]["es"]) == {"topic", "text"}  # no scale words: none given
    statuses = {c["response_status"] for c in race["candidates"]}
    assert "responded" in statuses and len(race["candidates"]) >= 2
    responder = next(c for c in race["candidates"] if c["response_status"] == "responded")
    assert responder["answers"] and all(
        set(a) == {"question_id", "question_number", "choice", "explanation", "received_on"}
        for a in responder["answers"])


def test_a_district_by_slug_too(client):
    assert client.get("/api/v1/districts/al-circuit-10-bessemer").json["id"] == BESSEMER


def test_an_unknown_district_is_a_json_404(client):
    response = client.get("/api/v1/districts/ocd-division/country:us/state:zz/nope")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "unknown_district"


def test_other_api_errors_are_json_too(client):
    assert client.get("/api/v1/nope").json["error"]["code"] == "not_found"
    response = client.delete("/api/v1/lookup")
    assert response.status_code == 405 and response.json["error"]["code"] == "method_not_allowed"


def test_one_candidate_has_one_shape_in_the_api_the_open_data_and_change_sets(client, db):
    """The same names and values for the same fields, whichever door a candidate leaves by."""
    from sqlalchemy import select

    from voterguide.models import Candidate
    from voterguide.staff.changes import answer_fields, candidate_fields

    [api_race] = client.get("/api/v1/districts/al-circuit-6").json["races"]
    [open_race] = [r for r in client.get("/data/guide.json").json["races"]
                   if r["district"]["slug"] == "al-circuit-6"]
    api = {c["slug"]: c for c in api_race["candidates"]}
    open_data = {c["slug"]: c for c in open_race["candidates"]}
    assert set(api) == set(open_data) and api
    for slug, person in api.items():
        assert person.pop("url") == f"http://localhost/candidates/{slug}"
        assert person == open_data[slug]
        record = db.session.scalar(select(Candidate).where(Candidate.slug == slug))
        assert candidate_fields(record).items() <= person.items()  # what change sets carry
        by_question = {a["question_id"]: a for a in person["answers"]}
        for answer in record.answers:
            assert answer_fields(answer).items() <= by_question[answer.question_id].items()
            assert by_question[answer.question_id]["question_number"] == \
                answer.question.position
    assert {k: v for k, v in api_race.items() if k != "candidates"} == \
        {k: v for k, v in open_race.items() if k != "candidates"}


def test_the_csv_names_its_columns_as_the_json_names_its_fields(client):
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(client.get("/data/guide.csv").get_data(
        as_text=True))))
    data = client.get("/data/guide.json").json
    # A partisan race's candidate: a nonpartisan one has no party field at all.
    person = next(r for r in data["races"] if r["partisan"])["candidates"][0]
    [row] = [r for r in rows if r["candidate_slug"] == person["slug"]
             and r["question_number"] == "1"]
    for field in ("name", "party", "response_status", "website"):
        assert row[field] == (person[field] or "")
    assert row["withdrawn"] == str(person["withdrawn"])


def kept(app) -> dict:
    """The lookup answers the app keeps, by key."""
    return dict(app.extensions.get("voterguide_lookup_answers").entries
                if "voterguide_lookup_answers" in app.extensions else {})


@pytest.fixture
def places(monkeypatch):
    """Counts the lookups the API works out (the real ones, counted)."""
    from voterguide.guide import services

    counted: list[object] = []
    real = services.place

    def place(location):
        counted.append(location)
        return real(location)

    monkeypatch.setattr(services, "place", place)
    return counted


@pytest.mark.parametrize("query", ["35401", " 35401 ", "Tuscaloosa, AL", "tuscaloosa",
                                   "Tuscaloosa County, Alabama", "Jefferson County"])
def test_a_place_query_is_answered_again_from_the_kept_answer(app, client, places, query):
    first = client.get("/api/v1/lookup", query_string={"address": query})
    again = client.get("/api/v1/lookup", query_string={"address": query})
    posted = client.post("/api/v1/lookup", json={"address": query})
    assert first.status_code == again.status_code == posted.status_code == 200
    assert len(places) == 1  # worked out once, then kept
    assert again.get_data() == first.get_data() == posted.get_data()
    assert again.headers["Content-Type"] == first.headers["Content-Type"]
    assert again.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in again.headers
    app.extensions["voterguide_lookup_answers"].entries.clear()
    uncached = client.get("/api/v1/lookup", query_string={"address": query})
    assert uncached.get_data() == first.get_data() and len(places) == 2


def test_a_publish_changes_the_kept_answer(app, client, db, places):
    from voterguide import content

    client.get("/api/v1/lookup?address=35401")
    answers = app.extensions["voterguide_lookup_answers"]
    [key] = answers.entries
    answers.entries[key] = b'{"kept": true}'  # what the version it was made at answers
    assert client.get("/api/v1/lookup?address=35401").json == {"kept": True}
    content.bump(db.session)  # a publish, a rollback or a data load
    db.session.commit()
    fresh = client.get("/api/v1/lookup?address=35401").json
    assert fresh["districts"][0]["id"] == "ocd-division/country:us/state:al/circuit:6"
    assert len(places) == 2 and list(answers.entries.values()) != [b'{"kept": true}']


@pytest.mark.parametrize("query", [
    "2000 University Blvd, Tuscaloosa, AL 35401", "University Blvd, Tuscaloosa",
    "Tuscaloosa, AL 35401", "35401-1234", "AL 35401", "Main Street", "Tuscaloosa, Narnia",
    "Tuscaloosa, AL, USA, Earth", "33.2, -87.5", "35401\u200b"])
def test_an_address_is_never_kept(app, client, places, query):
    for _ in range(2):
        response = client.get("/api/v1/lookup", query_string={"address": query})
        assert response.status_code in (200, 400, 422), query
        assert response.status_code != 200 or response.headers["Cache-Control"] == "no-store"
    assert kept(app) == {}
    assert places == [] or len(places) == 2  # looked up afresh each time


def test_a_refused_place_is_refused_the_same_way_every_time(client):
    for _ in range(2):
        response = client.get("/api/v1/lookup", query_string={"address": "Tusca\u200bloosa"})
        assert response.status_code == 400 and response.json["error"]["code"] == (
            "invalid_address")


def test_nothing_is_kept_when_the_chain_asks_an_online_geocoder(make_app, chain_settings):
    app = make_app(**chain_settings())
    client = app.test_client()
    for _ in range(2):
        assert client.get("/api/v1/lookup?address=35401").status_code == 200
    assert kept(app) == {}


def test_kept_answers_are_bounded_and_each_site_address_is_its_own(monkeypatch, app, client):
    from voterguide.api import answers

    monkeypatch.setattr(answers, "MAX_ENTRIES", 3)
    app.extensions.pop("voterguide_lookup_answers", None)
    for zip_code in ("35401", "35404", "35405", "35406", "35401"):
        client.get(f"/api/v1/lookup?address={zip_code}")
    assert [key[0] for key in kept(app)] == ["35405", "35406", "35401"]
    # Another Host the app answers to (no SITE_URL here): its own URLs, its own entry.
    other = client.get("/api/v1/lookup?address=35401", base_url="http://127.0.0.1")
    assert other.json["districts"][0]["url"] == "http://127.0.0.1/districts/al-circuit-6"
    assert client.get("/api/v1/lookup?address=35401").json["districts"][0]["url"] == (
        "http://localhost/districts/al-circuit-6")
