"""The district page's summary and the voting facts behind it, the compact comparison, the
order of candidates, bylines, and the small breaks (redirects, favicon, error headings,
field length, the CSV's byte-order mark and licence), through the Flask test client."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from html import unescape
from html.parser import HTMLParser

import pytest
import time_machine
from sqlalchemy import select

from voterguide.guide.services import ballot_order, last_name
from voterguide.guide.voting import deadlines, main_election, voting_summary
from voterguide.models import Candidate, Election, Question, QuestionKind, State
from voterguide.presenters import choice_words, scale_point_words, silence_sentence

from .support import DATA_DIR

DEMO = json.loads((DATA_DIR / "al" / "demo-election.json").read_text(encoding="utf-8"))
STATE = json.loads((DATA_DIR / "al" / "state.json").read_text(encoding="utf-8"))


def race_of(slug: str) -> dict:
    """The demo race of a district, by its slug."""
    return next(r for r in DEMO["races"] if r["candidates"][0]["slug"].startswith(slug + "-"))


def section(html: str, heading_id: str) -> str:
    """The HTML of the section a heading names (sections do not nest here)."""
    start = html.index(f'aria-labelledby="{heading_id}"')
    return html[start:html.index("</section>", start)]


# --- the voting facts --------------------------------------------------------------------

ELECTION_DAY = dt.date(2028, 11, 7)


def state_with(facts: dict) -> State:
    return State(code="ZZ", name="Zedland", fips="99", voter_tools=[], facts=facts)


def test_deadlines_come_from_the_election_entry_then_from_the_rules():
    facts = {"deadlines": [
        {"kind": "registration", "label": "Register", "days_before": 14, "rule": "14 days"},
        {"kind": "absentee", "label": "Apply", "days_before": 7, "rule": "7 days"}],
        "elections": [{"date": "2028-11-07", "confirmed": True,
                       "deadlines": {"registration": "2028-10-23"}}]}
    found = deadlines(facts, ELECTION_DAY)
    assert [(d.kind, d.date, d.confirmed) for d in found] == [
        ("registration", dt.date(2028, 10, 23), True),  # the calendar's own date
        ("absentee", dt.date(2028, 10, 31), False)]     # by the rule, and marked so
    # Another election of the state: every date follows the rules, none confirmed.
    other = deadlines(facts, dt.date(2030, 11, 5))
    assert [(d.date, d.confirmed) for d in other] == [
        (dt.date(2030, 10, 22), False), (dt.date(2030, 10, 29), False)]


def test_the_next_deadline_is_the_first_not_passed():
    state = state_with(STATE["voting"])
    election = Election(name="General", date=ELECTION_DAY, slug="g")
    before = voting_summary(state, election, today=dt.date(2028, 9, 1))
    assert before.next_deadline.kind == "registration"
    assert before.next_deadline.date == dt.date(2028, 10, 24)
    after_registration = voting_summary(state, election, today=dt.date(2028, 10, 25))
    assert after_registration.next_deadline.kind == "absentee_application"
    over = voting_summary(state, election, today=dt.date(2028, 11, 8))
    assert over.next_deadline is None and over.passed


def test_a_state_without_facts_gives_an_empty_summary():
    summary = voting_summary(state_with({}), Election(name="G", date=ELECTION_DAY, slug="g"),
                             today=dt.date(2028, 1, 1))
    assert summary.deadlines == [] and summary.next_deadline is None
    assert summary.photo_id is None and summary.polling_place is None


def test_the_summary_is_about_the_next_election():
    past = Election(name="Past", date=dt.date(2022, 11, 8), slug="p")
    soon = Election(name="Soon", date=dt.date(2028, 3, 5), slug="s")
    later = Election(name="Later", date=ELECTION_DAY, slug="l")
    today = dt.date(2026, 12, 2)
    assert main_election([later, past, soon], today) is soon
    assert main_election([past], today) is past
    assert main_election([], today) is None


# --- the district page's first lines ---------------------------------------------------------


def test_the_district_page_opens_with_the_ballot_the_date_and_the_next_step(client):
    html = client.get("/districts/al-circuit-6").get_data(as_text=True)
    summary = section(html, "summary-title")
    main = html[html.index("<main"):]
    # Before the candidates, and before the race's own heading.
    assert main.index('id="summary-title"') < main.index('class="candidates"')
    assert "Tuesday, November 7, 2028" in summary
    assert re.search(r'href="#race-\d+">District Attorney</a>: 3 candidates', summary)
    assert "Register to vote by <strong>Tuesday, October 24, 2028</strong>" in summary
    assert "check the official date" in summary  # not confirmed: said so
    assert "Bring a photo ID" in summary
    assert 'href="https://myinfo.alabamavotes.gov/voterview"' in summary


def test_the_voting_section_gives_each_rule_with_its_source(client):
    html = client.get("/districts/al-circuit-6").get_data(as_text=True)
    voting = unescape(html[html.index('id="voting"'):])
    for deadline in STATE["voting"]["deadlines"]:
        assert deadline["label"] in voting and deadline["rule"] in voting
    assert STATE["voting"]["photo_id"]["text"] in voting
    assert "7 a.m. to 7 p.m." in voting
    assert STATE["voting"]["elections"][0]["note"] in voting
    assert voting.count("Source: Alabama Secretary of State") >= 3


def test_a_jefferson_county_page_lists_both_races_on_the_first_lines(client):
    summary = section(client.get("/districts/al-circuit-10").get_data(as_text=True),
                      "summary-title")
    assert re.search(r">District Attorney</a>: \d candidates?</li>", summary)
    assert "(Bessemer Division)</a>: 2 candidates (perhaps on yours)" in summary


def test_candidate_pages_have_the_voting_links_too(client):
    candidate = race_of("al-circuit-6")["candidates"][0]
    html = client.get(f"/candidates/{candidate['slug']}").get_data(as_text=True)
    assert 'class="next-step' in html and "Register to vote by" in html
    assert 'id="voting"' in html and "myinfo.alabamavotes.gov/voterview" in html


# --- the compact comparison ------------------------------------------------------------


@time_machine.travel(dt.datetime(2028, 8, 16, 12), tick=False)  # the day after the deadline
def test_nobody_responded_is_said_once_with_the_questionnaire_dates(client):
    race = race_of("al-circuit-1")
    assert all(c["questionnaire_status"] == "no_response" for c in race["candidates"])
    html = client.get("/districts/al-circuit-1").get_data(as_text=True)
    total = len(race["candidates"])
    assert f"{total} of {total} candidates did not respond by Aug 15, 2028" in html
    assert ("We sent the questionnaire to every candidate on Jun 1, 2028 and a reminder on "
            "Jun 15, 2028.") in html
    assert "Did not respond to the questionnaire." not in html
    assert html.count('class="question"') == 0  # no empty grid of questions
    assert html.count("Did not respond") == total  # each candidate's status, once


def test_scale_answers_are_words_with_the_number():
    agree = Question(kind=QuestionKind.SCALE, scale_low="Strongly disagree",
                     scale_high="Strongly agree")
    assert [scale_point_words(agree, n) for n in range(1, 6)] == [
        "Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree",
        "Strongly agree"]
    assert choice_words(agree, "4") == "Agree (4 of 5)"
    other = Question(kind=QuestionKind.SCALE, scale_low="Never", scale_high="Always")
    assert choice_words(other, "2") == "Closer to “Never” (2 of 5)"
    assert choice_words(other, "9") == "9"  # not on the scale: as given
    yes_no = Question(kind=QuestionKind.YES_NO)
    assert choice_words(yes_no, "Yes") == "Yes"


def test_the_page_shows_scale_answers_in_words_and_a_jump_list(client):
    html = client.get("/districts/al-circuit-6").get_data(as_text=True)
    assert re.search(r'<p class="choice">(Strongly disagree|Disagree|Neither agree nor '
                     r'disagree|Agree|Strongly agree) \([1-5] of 5\)</p>', html)
    assert not re.search(r'<p class="choice">[1-5] of 5</p>', html)
    jump = html[html.index('class="jump'):]
    jump = jump[:jump.index("</nav>")]
    for question in DEMO["questionnaire"]["questions"]:
        assert question["topic"] in jump
    for target in re.findall(r'href="#(q-[\d-]+)"', jump):
        assert f'id="{target}"' in html


def test_a_long_answer_shows_its_opening_lines_and_prints_in_full(client, db):
    from voterguide.models import Answer

    answer = db.session.scalar(select(Answer).join(Candidate).where(
        Candidate.slug.like("al-circuit-6-%")).order_by(Answer.id))
    words = [f"word{n}" for n in range(300)]
    answer.explanation = "First sentence here. " + " ".join(words)
    db.session.commit()
    html = client.get("/districts/al-circuit-6").get_data(as_text=True)
    opening = re.search(r'<p class="opening">(.*?)</p>', html).group(1)
    assert opening.startswith("First sentence here.") and opening.endswith("…")
    assert "word299" not in opening
    folded = html[html.index('class="opening"'):]
    assert "Read the full answer" in folded[:folded.index("</details>")]
    printed = re.search(r'<div class="explanation print-only">(.*?)</div>', html, re.S).group(1)
    assert "word0" in printed and "word299" in printed


@time_machine.travel(dt.datetime(2028, 8, 16, 12), tick=False)
def test_silence_sentence_names_declined_apart():
    quiet = Candidate(name="A Quiet", response_status="no_response")
    no = Candidate(name="B No", response_status="declined")
    from voterguide.models import ResponseStatus
    quiet.response_status, no.response_status = ResponseStatus.NO_RESPONSE, \
        ResponseStatus.DECLINED
    assert silence_sentence([quiet, no], 3, dt.date(2028, 8, 15)) == (
        "1 of 3 candidates did not respond by Aug 15, 2028: A Quiet. B No declined to respond.")
    assert silence_sentence([], 3, None) == ""


def test_before_the_deadline_nobody_is_said_to_have_let_it_pass():
    quiet = Candidate(name="A Quiet", response_status="no_response")
    from voterguide.models import ResponseStatus
    quiet.response_status = ResponseStatus.NO_RESPONSE
    with time_machine.travel(dt.datetime(2028, 8, 15, 12), tick=False):
        assert silence_sentence([quiet], 2, dt.date(2028, 8, 15)) == (
            "1 of 2 candidates have not responded yet (answers are taken until Aug 15, 2028): "
            "A Quiet.")


# --- order and bylines -------------------------------------------------------------------


@pytest.mark.parametrize(("name", "last"), [
    ("Jerome McBride", "McBride"), ("Ana María de la Cruz", "Cruz"),
    ("John Smith Jr.", "Smith"), ("Robert King III", "King"), ("Cher", "Cher"),
])
def test_last_names(name, last):
    assert last_name(name) == last


def test_candidates_are_alphabetical_by_last_name_and_the_incumbent_not_first():
    people = [Candidate(name="Zoe Adams", incumbent=False, withdrawn=False),
              Candidate(name="Ann Young", incumbent=True, withdrawn=False),
              Candidate(name="Bob Brown", incumbent=False, withdrawn=True),
              Candidate(name="Cy Baker", incumbent=False, withdrawn=False)]
    assert [c.name for c in ballot_order(people)] == [
        "Zoe Adams", "Cy Baker", "Ann Young", "Bob Brown"]


def test_the_page_states_the_order_it_uses(client):
    race = race_of("al-circuit-6")
    html = client.get("/districts/al-circuit-6").get_data(as_text=True)
    listed = re.findall(r'class="name">([^<]+)</a>', html)
    expected = sorted((c["name"] for c in race["candidates"]),
                      key=lambda n: (last_name(n).casefold(), n))
    assert listed[:len(expected)] == expected
    assert any(c["incumbent"] for c in race["candidates"])
    assert not race["candidates"][0]["incumbent"] or listed[0] != next(
        c["name"] for c in race["candidates"] if c["incumbent"])
    assert "Listed alphabetically by last name; the incumbent is marked, not listed first." \
        in html


@pytest.mark.parametrize(("source", "byline"), [
    ("candidate", "Biography written by the candidate."),
    ("staff", "Biography written by our staff from public sources."),
    (None, None),
])
def test_biographies_say_who_wrote_them(client, db, source, byline):
    candidate = db.session.scalar(select(Candidate).where(Candidate.bio != "")
                                  .order_by(Candidate.id))
    candidate.bio_source = source
    db.session.commit()
    html = client.get(f"/candidates/{candidate.slug}").get_data(as_text=True)
    if byline:
        assert f'<p class="byline">{byline}</p>' in html
    else:
        assert 'class="byline"' not in html


def test_the_demo_bios_carry_their_source():
    sources = {c["bio_source"] for r in DEMO["races"] for c in r["candidates"]}
    assert sources == {"candidate", "staff"}


# --- trust, sharing and the small breaks ---------------------------------------------------


def test_the_about_page_says_who_runs_it_and_how_to_correct_it(make_app):
    app = make_app(ORGANISATION="Alabama Voters Together", CONTACT_EMAIL="guide@example.org",
                   SITE_NAME="DA Guide", SOURCE_URL="https://code.example.org/guide")
    html = app.test_client().get("/about").get_data(as_text=True)
    assert "<h1>About DA Guide</h1>" in html and "Alabama Voters Together" in html
    assert 'href="mailto:guide@example.org"' in html
    assert 'href="mailto:guide@example.org?subject=Correction"' in html
    assert 'href="https://code.example.org/guide"' in html and "AGPL-3.0-or-later" in html
    assert "CC BY 4.0" in html
    assert "Jun 1, 2028 and a reminder on Jun 15, 2028" in html  # how candidates were asked
    assert "<title>About this guide: who we are and how it works · DA Guide</title>" in html
    home = app.test_client().get("/").get_data(as_text=True)
    assert '<p class="brand"><a href="/">DA Guide</a></p>' in home


def test_without_a_contact_address_the_tracker_takes_corrections(client):
    html = client.get("/about").get_data(as_text=True)
    assert 'href="https://github.com/voterguide/voterguide/issues"' in html


@pytest.mark.parametrize("value", ["not an address", "mailto:x", "a@b"])
def test_a_bad_contact_address_stops_the_guide(make_app, value):
    from voterguide.config import ConfigurationError
    with pytest.raises(ConfigurationError, match="VOTERGUIDE_CONTACT_EMAIL"):
        make_app(CONTACT_EMAIL=value)


def test_the_organisers_page_has_links_qr_codes_flyers_embed_and_codes(client):
    html = client.get("/share").get_data(as_text=True)
    for part in ["/d/al-circuit-6", "/qr.png?path=/districts/al-circuit-6",
                 "/districts/al-circuit-6/flyer?size=a4",
                 "/districts/al-circuit-6/flyer.pdf?size=letter", "&lt;iframe", "?ref="]:
        assert part in html, part
    from voterguide.outreach.views import EMBED_HEIGHT
    assert f'height=&#34;{EMBED_HEIGHT}&#34;' in html
    assert html.count("/d/al-circuit-") >= 41


@pytest.mark.parametrize(("path", "target"), [
    ("/districts/al-circuit-6/", "/districts/al-circuit-6"),
    ("/districts/AL-CIRCUIT-6", "/districts/al-circuit-6"),
    ("/districts/Al-Circuit-6/", "/districts/al-circuit-6"),
    ("/districts/AL-CIRCUIT-6?ref=Door-Knock", "/districts/al-circuit-6?ref=door-knock"),
    ("/districts/AL-CIRCUIT-6/AL-2028-GENERAL-SAMPLE",
     "/districts/al-circuit-6/al-2028-general-sample"),
])
def test_district_addresses_with_a_slash_or_capitals_redirect(client, path, target):
    response = client.get(path)
    assert response.status_code == 301
    assert response.headers["Location"] == target
    assert client.get(target).status_code == 200


def test_a_candidate_address_with_capitals_redirects(client):
    slug = race_of("al-circuit-6")["candidates"][0]["slug"]
    for path in (f"/candidates/{slug.upper()}", f"/candidates/{slug}/"):
        response = client.get(path)
        assert response.status_code == 301 and response.headers["Location"] == \
            f"/candidates/{slug}"


def test_an_unknown_district_in_capitals_is_still_a_404(client):
    response = client.get("/districts/NOWHERE", follow_redirects=True)
    assert response.status_code == 404


def test_there_is_a_favicon(client):
    with client.get("/favicon.ico") as response:
        assert response.status_code == 200
        assert response.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
    html = client.get("/").get_data(as_text=True)
    assert 'rel="icon" href="/static/favicon.svg"' in html
    with client.get("/static/favicon.svg") as response:
        assert response.status_code == 200 and b"<svg" in response.data


@pytest.mark.parametrize(("path", "heading"), [
    ("/districts/al-circuit-6/flyer?size=legal", "We couldn't use that request"),
    ("/qr.svg?path=/nowhere", "We couldn't use that request"),
])
def test_error_pages_are_headed_in_plain_words(client, path, heading):
    html = client.get(path).get_data(as_text=True)
    assert f"<h1>{heading}</h1>" in unescape(html)
    assert "Bad Request" not in html


def test_the_field_takes_no_more_than_the_message_allows(make_app):
    html = make_app(ADDRESS_MAX_LENGTH=120).test_client().get("/").get_data(as_text=True)
    assert 'maxlength="120"' in html
    response = make_app(ADDRESS_MAX_LENGTH=120).test_client().post(
        "/", data={"address": "1 Main St, Tuscaloosa " * 10})
    assert response.status_code == 422
    assert "at most 120 characters" in response.get_data(as_text=True)


class _Field(HTMLParser):
    """The address input's attributes and the ids present on a page."""

    def __init__(self):
        super().__init__()
        self.field, self.ids = {}, {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids[attrs["id"]] = (tag, attrs)
        if tag == "input" and attrs.get("name") == "address" and attrs.get("type") == "text":
            self.field = attrs


@pytest.mark.parametrize(("address", "message"), [
    ("", "Please type your address."),
    ("Nowhereville Qqq", "We couldn't find that place."),
    ("Portland, OR 97201", "That place is outside the area this guide covers."),
], ids=["empty", "not-found", "outside"])
def test_every_failure_marks_the_field_and_describes_it(client, address, message):
    response = client.post("/", data={"address": address})
    assert response.status_code == 422
    page = _Field()
    page.feed(response.get_data(as_text=True))
    assert page.field["aria-invalid"] == "true"
    described = page.field["aria-describedby"].split()
    assert described[0] == "address-error" and "address-hint" in described
    assert "autofocus" in page.field
    assert 'role="alert"' not in response.get_data(as_text=True)  # inserted by the script
    error = response.get_data(as_text=True)
    error = error[error.index('id="address-error"'):]
    assert message.replace("'", "&#39;") in error[:error.index("</p>")]


def test_the_csv_starts_with_a_byte_order_mark_and_names_its_licence(client, db):
    candidate = db.session.scalar(select(Candidate).order_by(Candidate.id))
    candidate.name = "Inés Núñez"
    db.session.commit()
    response = client.get("/data/guide.csv")
    assert response.data.startswith(b"\xef\xbb\xbf")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Link"] == '<https://creativecommons.org/licenses/by/4.0/>; ' \
        'rel="license"'
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert list(rows[0])[0] == "election_slug"
    assert any(r["name"] == "Inés Núñez" for r in rows)
    data = client.get("/data/guide.json").json
    assert data["licence"]["name"] == "CC BY 4.0"
    licence = client.get("/data/LICENCE.txt").get_data(as_text=True)
    assert "CC BY 4.0" in licence and "https://creativecommons.org/licenses/by/4.0/" in licence
