"""California's fictional sample election, made by the same demo script as Alabama's from a
description file: an unopposed race (Alpine), a race with four candidates (Sacramento) and a
race decided at the primary (Fresno); no party anywhere for a nonpartisan office; the
sentences on which voting day comes next and when each county next elects its district
attorney (the state's cycle, with San Francisco's exception); Alabama unchanged."""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import io
import json
import re

import pytest
import time_machine
from sqlalchemy import select

from voterguide.extensions import db
from voterguide.models import District, Race
from voterguide.timing import next_election_sentence, next_election_year, stage_sentence

from .support import DATA_DIR, REPO

CA = json.loads((DATA_DIR / "ca" / "demo-election.json").read_text(encoding="utf-8"))
AL = json.loads((DATA_DIR / "al" / "demo-election.json").read_text(encoding="utf-8"))
ELECTION = "ca-2028-primary-sample"
RACES = {race["district"].rsplit(":", 1)[-1]: race for race in CA["races"]}
PRIMARY, GENERAL = "March 7, 2028", "November 7, 2028"
#: Words that would show a party for a nonpartisan office.
PARTY_WORDS = ("Republican", "Democratic", "Libertarian", "Independent", "No party listed",
               "Party")


def load_script():
    """Import scripts/make_demo_election.py by path."""
    spec = importlib.util.spec_from_file_location("make_demo_election",
                                                  REPO / "scripts" / "make_demo_election.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def names(county: str) -> list[str]:
    """The candidates' names of a California sample race."""
    return [c["name"] for c in RACES[county]["candidates"]]


def text_of(response) -> str:
    """A page's HTML as text, once checked to be a 200."""
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def visible(html: str) -> str:
    """A page's words, without its markup (class names are not words voters read)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def race(slug: str) -> Race:
    """The sample race of a California district, from the database."""
    return db.session.scalar(select(Race).join(Race.district).where(District.slug == slug))


def district(slug: str) -> District:
    """A district by slug."""
    return db.session.scalar(select(District).where(District.slug == slug))


# --- the data files -------------------------------------------------------------------

def test_each_state_has_a_description_and_the_script_makes_its_file():
    script = load_script()
    for state in ("al", "ca"):
        description = script.Description.read(DATA_DIR / state)
        made = script.render(script.build_election(description))
        assert made == (DATA_DIR / state / "demo-election.json").read_text(encoding="utf-8")


def test_the_california_sample_has_the_three_races():
    assert CA["sample"] is True and "sample" in CA["election"]["name"].lower()
    assert CA["election"]["state"] == "CA"
    assert [s["name"] for s in CA["election"]["stages"]] == ["Primary", "General election"]
    assert sorted(RACES) == ["alpine", "fresno", "sacramento"]
    assert len(RACES["alpine"]["candidates"]) == 1
    assert len(RACES["sacramento"]["candidates"]) == 4
    fresno = RACES["fresno"]
    assert fresno["stage"] == 1
    assert [c["elected_at_stage"] for c in fresno["candidates"] if "elected_at_stage" in c] \
        == [1]
    assert "sample" in CA["questionnaire"]["description"].lower()


def test_california_candidates_have_no_party_and_invented_names():
    script = load_script()
    for race_spec in CA["races"]:
        for candidate in race_spec["candidates"]:
            assert "party" not in candidate, candidate["slug"]
            first, last = candidate["name"].split()[0], candidate["name"].split()[-1]
            assert first in script.FIRST_NAMES and last in script.LAST_NAMES
            assert f"{first} {last}".lower() not in script.WELL_KNOWN_NAMES


def test_both_states_ask_the_same_balanced_questions():
    topics = [q["topic"] for q in AL["questionnaire"]["questions"]]
    assert topics == [q["topic"] for q in CA["questionnaire"]["questions"]]
    for topic in ("Victims and plea deals", "Repeat offenders", "Case backlog", "Violent crime"):
        assert topic in topics
    for gone in ("Children tried as adults", "Racial disparity data", "Police accountability",
                 "Fines and fees"):
        assert gone not in topics


def test_the_new_questions_get_answers_from_every_side():
    questions = {q["position"]: q for q in AL["questionnaire"]["questions"]}
    new = {p for p, q in questions.items() if q["topic"] in (
        "Victims and plea deals", "Repeat offenders", "Case backlog", "Violent crime")}
    for position in new:
        choices = {a["choice"] for race_spec in AL["races"] for c in race_spec["candidates"]
                   for a in c["answers"] if a["question"] == position}
        if questions[position]["kind"] == "yes_no":
            assert choices == {"Yes", "No"}, questions[position]["topic"]
        else:
            assert {"1", "2"} & choices and {"4", "5"} & choices, questions[position]["topic"]


# --- the pages, the API and open data --------------------------------------------------

def test_the_three_races_are_on_their_pages_with_sample_data_and_no_party(client):
    for county, label in (("alpine", "unopposed"), ("sacramento", "four"),
                          ("fresno", "decided")):
        for path in (f"/districts/ca-county-{county}",
                     f"/districts/ca-county-{county}/{ELECTION}"):
            page = text_of(client.get(path))
            words = visible(page)
            assert "Sample data" in words, path
            assert "2028 Primary Election (sample)" in words, path
            for name in names(county):
                assert name in words, (label, path)
            for word in PARTY_WORDS:
                assert word not in words, (word, path)
            assert "nonpartisan election" in words


def test_the_unopposed_race_says_so(client):
    words = visible(text_of(client.get("/districts/ca-county-alpine")))
    assert "Unopposed" in words
    assert "answers" in words.lower()


def test_candidate_pages_show_no_party(client):
    for race_spec in CA["races"]:
        for candidate in race_spec["candidates"]:
            words = visible(text_of(client.get(f"/candidates/{candidate['slug']}")))
            assert candidate["name"] in words and "Sample data" in words
            for word in PARTY_WORDS:
                assert word not in words, (word, candidate["slug"])


def test_the_api_carries_the_three_races_without_a_party(client):
    for county in RACES:
        body = client.get(f"/api/v1/districts/ca-county-{county}").get_json()
        [race_body] = body["races"]
        assert race_body["partisan"] is False
        assert sorted(c["name"] for c in race_body["candidates"]) == sorted(names(county))
        assert all("party" not in c for c in race_body["candidates"])
        for word in ("Republican", "Democratic", "No party listed"):
            assert word not in json.dumps(body)
        assert race_body["election"]["stages"] == [
            {"number": 1, "name": "Primary", "date": "2028-03-07"},
            {"number": 2, "name": "General election", "date": "2028-11-07"}]
        elected = {c["name"]: c["elected_at_stage"] for c in race_body["candidates"]}
        expected = {c["name"]: c.get("elected_at_stage") for c in RACES[county]["candidates"]}
        assert elected == expected
    assert 1 in expected_fresno_stages()


def expected_fresno_stages() -> set:
    """The stages at which Fresno's sample candidates were elected (None: not elected)."""
    return {c.get("elected_at_stage") for c in RACES["fresno"]["candidates"]}


def test_an_alabama_race_in_the_api_has_one_voting_day(client):
    [race_body] = client.get("/api/v1/districts/al-circuit-6").get_json()["races"]
    assert race_body["election"]["stages"] == []
    assert {c["elected_at_stage"] for c in race_body["candidates"]} == {None}


def test_open_data_carries_the_three_races_without_a_party(client):
    guide = client.get("/data/guide.json").get_json()
    california = [r for r in guide["races"]
                  if r["district"]["id"].startswith("ocd-division/country:us/state:ca/")]
    assert sorted(r["district"]["id"].rsplit(":", 1)[-1] for r in california) == sorted(RACES)
    for race_body in california:
        assert race_body["partisan"] is False
        assert all("party" not in c for c in race_body["candidates"])
    rows = list(csv.DictReader(io.StringIO(client.get("/data/guide.csv").get_data(
        as_text=True))))
    ca_rows = [r for r in rows if r["district_slug"].startswith("ca-county-")]
    assert {r["district_slug"] for r in ca_rows} == {f"ca-county-{c}" for c in RACES}
    assert {r["party"] for r in ca_rows} == {""}


# --- which voting day comes next --------------------------------------------------------

def test_before_the_primary_the_race_page_says_what_a_majority_does(app):
    words = stage_sentence(race("ca-county-sacramento"), today=dt.date(2027, 12, 2))
    assert words == (f"Next: the primary on {PRIMARY}. A candidate who wins a majority of "
                     "the votes there is elected; if nobody does, the top two meet again at "
                     f"the general election on {GENERAL}.")


def test_an_unopposed_race_is_decided_at_the_primary(app):
    words = stage_sentence(race("ca-county-alpine"), today=dt.date(2027, 12, 2))
    assert words == (f"Next: the primary on {PRIMARY}. With one candidate, the race is "
                     "decided there: it will not be on the ballot of the general election on "
                     f"{GENERAL}.")


def test_after_the_primary_the_runoff_is_next(app):
    words = stage_sentence(race("ca-county-sacramento"), today=dt.date(2028, 6, 1))
    assert words == (f"The primary was on {PRIMARY}. Next: the general election on "
                     f"{GENERAL}, where the top two candidates meet again if nobody won a "
                     "majority at the primary.")


def test_after_both_voting_days(app):
    words = stage_sentence(race("ca-county-sacramento"), today=dt.date(2028, 11, 8))
    assert words == f"The primary was on {PRIMARY} and the general election on {GENERAL}."


@pytest.mark.parametrize("today", [dt.date(2027, 12, 2), dt.date(2028, 11, 1)])
def test_a_race_decided_at_the_primary_says_so_in_november(app, today):
    winner = next(c["name"] for c in RACES["fresno"]["candidates"] if "elected_at_stage" in c)
    assert stage_sentence(race("ca-county-fresno"), today=today) == (
        f"Decided at the primary on {PRIMARY}: {winner} won a majority of the votes and was "
        f"elected, so this race is not on the ballot of the general election on {GENERAL}.")


@time_machine.travel(dt.datetime(2028, 11, 1, 12), tick=False)
def test_the_race_pages_show_the_stage_sentence(client):
    fresno = text_of(client.get(f"/districts/ca-county-fresno/{ELECTION}"))
    assert re.search(r'<p class="stage">Decided at the primary on March 7, 2028: [^<]+ won a '
                     r"majority of the votes and was elected, so this race is not on the "
                     r"ballot of the general election on November 7, 2028\.</p>", fresno)
    sacramento = text_of(client.get("/districts/ca-county-sacramento"))
    assert ('<p class="stage">The primary was on March 7, 2028. Next: the general election '
            "on November 7, 2028, where the top two candidates meet again if nobody won a "
            "majority at the primary.</p>") in sacramento


def test_an_alabama_race_has_no_stage_sentence(app):
    assert stage_sentence(race("al-circuit-6")) == ""


# --- when each county next elects its district attorney --------------------------------

@pytest.mark.parametrize(("today", "year"), [
    (dt.date(2026, 12, 2), 2028), (dt.date(2028, 3, 31), 2028), (dt.date(2028, 4, 1), 2032),
    (dt.date(2031, 1, 1), 2032), (dt.date(2023, 1, 2), 2028),
])
def test_the_next_election_year_follows_the_cycle(today, year):
    cycle = {"every_years": 4, "year": 2028, "stages": [{"name": "primary", "month": 3}]}
    assert next_election_year(cycle, today) == year


def test_los_angeles_county_has_no_2028_sample_race_and_says_when_its_next_election_is(
        app, client):
    la = district("ca-county-los-angeles")
    assert la.races == []
    words = next_election_sentence(la, today=dt.date(2026, 12, 2))
    assert words == ("The next election for district attorney here is at the March 2028 "
                     "primary; if nobody wins a majority of the votes there, the top two meet "
                     "again at the November 2028 general election (every four years, in "
                     "presidential election years).")
    page = text_of(client.get("/districts/ca-county-los-angeles"))
    assert "No races have been added for this district yet." in page
    assert f'<p class="next-election">{next_election_sentence(la)}</p>' in page


def test_san_francisco_is_the_exception_its_charter_makes(app, client):
    sf = district("ca-county-san-francisco")
    assert next_election_sentence(sf, today=dt.date(2026, 12, 2)) == (
        "The next election for district attorney here is in November 2028 (every four "
        "years, in presidential election years).")
    page = visible(text_of(client.get("/districts/ca-county-san-francisco")))
    assert "The general election in November decides." in page
    assert "majority of the votes at the primary" not in page


def test_san_francisco_voters_are_told_they_rank_the_candidates(app, client):
    """Its charter elects the DA by ranked-choice ballot; no other county's page says so."""
    ranked = "Voters rank the candidates in order of choice (ranked-choice voting)"
    assert ranked in visible(text_of(client.get("/districts/ca-county-san-francisco")))
    for slug in ("ca-county-sacramento", "ca-county-los-angeles", "al-circuit-6"):
        assert "ranked-choice" not in text_of(client.get(f"/districts/{slug}")), slug
    spanish = visible(text_of(client.get("/es/districts/ca-county-san-francisco")))
    assert "Los votantes ordenan a los candidatos según su preferencia" in spanish


def test_the_exception_is_sourced_in_the_states_provenance():
    state = json.loads((DATA_DIR / "ca" / "state.json").read_text(encoding="utf-8"))
    cycle = state["office_selection"]["cycle"]
    assert "Elections Code §1300" in cycle["source"]
    [exception] = cycle["exceptions"]
    assert exception["districts"] == ["ca-county-san-francisco"]
    assert "Proposition H" in exception["source"]
    assert exception["ballot"] == "ranked-choice" and "§13.102" in exception["ballot_source"]
    assert any("§13.102" in line for line in state["sources"])
    assert any("Proposition H" in line for line in state["sources"])
    assert any("§1300" in line for line in state["sources"])


# --- Alabama unchanged -----------------------------------------------------------------

def test_alabama_is_unchanged(app, client):
    assert len(AL["races"]) == 42 and "stages" not in AL["election"]
    assert all("elected_at_stage" not in c for r in AL["races"] for c in r["candidates"])
    assert next_election_sentence(district("al-circuit-6")) == ""
    page = text_of(client.get("/districts/al-circuit-6"))
    assert 'class="next-election"' not in page and 'class="stage"' not in page
    assert "partisan election" in page and "Sample data" in page


def test_a_partisan_election_with_two_voting_days_names_the_next_one_only(app):
    """Alabama's rules: no outright win at the primary, so no majority sentence."""
    from voterguide.models import ElectionStage

    tuscaloosa = race("al-circuit-6")
    election = tuscaloosa.election
    election.stages.extend([ElectionStage(position=1, name="Primary", date=dt.date(2028, 5, 16)),
                            ElectionStage(position=2, name="General election",
                                          date=dt.date(2028, 11, 7))])
    db.session.flush()
    assert stage_sentence(tuscaloosa, today=dt.date(2028, 1, 2)) == (
        "Next: the primary on May 16, 2028.")
    assert stage_sentence(tuscaloosa, today=dt.date(2028, 6, 1)) == (
        "The primary was on May 16, 2028. Next: the general election on November 7, 2028.")
    db.session.rollback()
