"""Checks on the committed fictional sample election, data/al/demo-election.json."""

import datetime as dt
import importlib.util
import json
import re
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA_FILE = ROOT / "data" / "al" / "demo-election.json"
SCRIPT = ROOT / "scripts" / "make_demo_election.py"
STATE = "ocd-division/country:us/state:al"
STATUSES = {"responded", "no_response", "declined"}


def expected_districts() -> dict[str, str]:
    """Map every Alabama DA district id to its slug."""
    districts = {f"{STATE}/circuit:{n}": f"al-circuit-{n}" for n in range(1, 42)}
    districts[f"{STATE}/circuit:10/division:bessemer"] = "al-circuit-10-bessemer"
    return districts


@pytest.fixture(scope="module")
def data() -> dict:
    """The committed sample election."""
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def candidates(data) -> list[dict]:
    """Every candidate of every race."""
    return [c for race in data["races"] for c in race["candidates"]]


@pytest.fixture(scope="module")
def questions(data) -> dict[int, dict]:
    """The questionnaire's questions by position."""
    return {q["position"]: q for q in data["questionnaire"]["questions"]}


def load_script():
    """Import scripts/make_demo_election.py by path."""
    spec = importlib.util.spec_from_file_location("make_demo_election", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_top_level(data):
    assert data["sample"] is True
    assert data["election"] == {
        "slug": "al-2028-general-sample",
        "name": "2028 General Election (sample)",
        "date": "2028-11-07",
        "state": "AL",
    }
    assert data["questionnaire"]["sent_on"] == "2028-06-01"
    assert "sample" in data["questionnaire"]["description"].lower()


def test_questions(questions):
    assert sorted(questions) == list(range(1, 11))
    kinds = Counter(q["kind"] for q in questions.values())
    assert kinds == {"yes_no": 5, "scale": 3, "text": 2}
    for q in questions.values():
        assert 2 <= len(q["topic"].split()) <= 4
        assert q["text"].endswith("?")
        if q["kind"] == "scale":
            assert (q["scale_low"], q["scale_high"]) == ("Strongly disagree", "Strongly agree")


def test_one_race_per_district(data):
    districts = [race["district"] for race in data["races"]]
    assert len(districts) == 42
    assert len(set(districts)) == 42
    assert set(districts) == set(expected_districts())
    assert all(race["office"] == "District Attorney" for race in data["races"])


def test_candidate_counts(data):
    for race in data["races"]:
        assert 1 <= len(race["candidates"]) <= 4, race["district"]
    counts = Counter(len(race["candidates"]) for race in data["races"])
    assert counts[1] >= 2 and counts[2] > 42 / 3 and counts[3] + counts[4] >= 2


def test_unique_slugs_and_names(data, candidates):
    slugs = [c["slug"] for c in candidates]
    names = [c["name"] for c in candidates]
    assert len(set(slugs)) == len(slugs)
    assert len(set(names)) == len(names)
    district_slugs = expected_districts()
    for race in data["races"]:
        for c in race["candidates"]:
            assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", c["slug"]), c["slug"]
            assert c["slug"].startswith(district_slugs[race["district"]] + "-")


def test_candidate_fields(candidates):
    parties = {"Republican", "Democratic", "Independent", "Libertarian"}
    for c in candidates:
        assert c["party"] in parties
        assert c["photo_url"] is None
        assert c["website"] is None or c["website"] == f"https://example.org/sample/{c['slug']}"
        assert c["bio"].strip()


def test_at_most_one_incumbent(data):
    for race in data["races"]:
        assert sum(c["incumbent"] for c in race["candidates"]) <= 1, race["district"]


def test_statuses(candidates):
    for c in candidates:
        assert c["questionnaire_status"] in STATUSES
        if c["questionnaire_status"] == "responded":
            assert c["answers"], c["slug"]
        else:
            assert c["answers"] == [], c["slug"]


def test_response_rate(candidates):
    responded = sum(c["questionnaire_status"] == "responded" for c in candidates)
    assert 0.25 <= responded / len(candidates) <= 0.45


def test_no_repeated_explanation_within_a_race(data):
    for race in data["races"]:
        texts = [a["explanation"] for c in race["candidates"] for a in c["answers"]]
        assert len(set(texts)) == len(texts), race["district"]


def test_answers_fit_questions(candidates, questions):
    first, last = dt.date(2028, 6, 10), dt.date(2028, 8, 15)
    for c in candidates:
        positions = [a["question"] for a in c["answers"]]
        assert len(set(positions)) == len(positions), c["slug"]
        assert len({a["received_on"] for a in c["answers"]}) <= 1, c["slug"]
        for answer in c["answers"]:
            question = questions[answer["question"]]
            choice = answer["choice"]
            if question["kind"] == "yes_no":
                assert choice in {"Yes", "No"}
            elif question["kind"] == "scale":
                assert choice in {"1", "2", "3", "4", "5"}
            else:
                assert choice is None
            assert answer["explanation"].strip()
            assert first <= dt.date.fromisoformat(answer["received_on"]) <= last


def race_by_district(data, suffix: str) -> dict:
    """Return the race whose district id ends with suffix."""
    return next(race for race in data["races"] if race["district"].endswith(suffix))


def statuses(race: dict) -> list[str]:
    """Return the questionnaire statuses of a race's candidates."""
    return [c["questionnaire_status"] for c in race["candidates"]]


def test_required_cases(data, candidates):
    races = data["races"]
    assert any(len(r["candidates"]) >= 2 and "responded" not in statuses(r) for r in races)
    assert any(statuses(r) == ["responded"] for r in races)
    assert any(sorted(statuses(r)) == ["no_response", "responded"] for r in races)
    assert any(c["questionnaire_status"] == "declined" for c in candidates)
    assert any(
        c["questionnaire_status"] == "responded" and 7 <= len(c["answers"]) <= 8
        for c in candidates
    )
    explanations = [a["explanation"] for c in candidates for a in c["answers"]]
    assert any(250 <= len(e.split()) <= 400 and "\n\n" in e for e in explanations)
    joined = "".join(explanations)
    for char in ['"', "&", "<", "é"]:
        assert char in joined


def test_featured_districts(data):
    tuscaloosa = race_by_district(data, "/circuit:6")
    assert 2 <= len(tuscaloosa["candidates"]) <= 3
    assert any(len(c["answers"]) == 10 for c in tuscaloosa["candidates"])
    assert len(race_by_district(data, "/circuit:10")["candidates"]) >= 2
    assert len(race_by_district(data, "/division:bessemer")["candidates"]) >= 2


def test_script_reproduces_committed_file(data):
    module = load_script()
    rebuilt = module.build_election()
    assert rebuilt == data
    assert module.render(rebuilt) == DATA_FILE.read_text(encoding="utf-8")
