"""Campaign codes: exact counts of visits and lookups, nothing personal kept, bounded
storage, harmless handling of bad codes, the report command, pruning and the staff view."""

from __future__ import annotations

import datetime as dt
import random
import string

import pytest
from sqlalchemy import inspect, select

from voterguide.models import CampaignCount, CampaignEvent
from voterguide.outreach import campaigns


def counts(db) -> dict[tuple[str, str, str], int]:
    """Every count as {(code, district, kind): count}."""
    return {(r.code, r.district, r.kind.value): r.count
            for r in db.session.scalars(select(CampaignCount))}


def test_a_scripted_burst_is_counted_exactly(client, db):
    for _ in range(50):
        assert client.get("/districts/al-circuit-6?ref=abc").status_code == 200
    for _ in range(7):
        assert client.get("/candidates/al-circuit-6-kendall-lassiter?ref=ABC").status_code == 200
    for _ in range(4):
        assert client.get("/?ref=abc").status_code == 200
    for _ in range(3):  # the home form carries the code in a hidden field, not a cookie
        response = client.post("/", data={"address": "Tuscaloosa, AL 35401", "ref": "abc"})
        assert response.status_code == 303 and "ref" not in response.headers["Location"]
    client.post("/", data={"address": "Salem, AL 36874", "ref": "abc"})  # a picker
    client.post("/", data={"address": "Qwertyuiop Zxcv", "ref": "abc"})  # not resolved
    client.post("/", data={"address": "Tuscaloosa, AL 35401"})  # no code
    client.get("/districts/al-circuit-6")  # no code
    client.get("/districts/nope?ref=abc")  # a 404 is not a visit
    assert counts(db) == {
        ("abc", "al-circuit-6", "visit"): 57,
        ("abc", "", "visit"): 4,
        ("abc", "al-circuit-6", "lookup"): 3,
        ("abc", "", "lookup"): 1,
    }
    [row] = [r for r in campaigns.report(db.session) if r.district == "al-circuit-6"]
    assert (row.code, row.visits, row.lookups) == ("abc", 57, 3)


def test_the_form_keeps_the_code_in_a_hidden_field(client):
    page = client.get("/?ref=Door_Knock-7").get_data(as_text=True)
    assert '<input type="hidden" name="ref" value="door_knock-7">' in page
    assert 'name="ref"' not in client.get("/?ref=<b>").get_data(as_text=True)


def test_embed_visits_and_lookups_are_counted(client, db):
    client.get("/embed?ref=partner-1")
    client.get("/embed/al-circuit-6?ref=partner-1")
    page = client.get("/embed?ref=partner-1").get_data(as_text=True)
    assert 'name="ref" value="partner-1"' in page
    client.post("/embed", data={"address": "Tuscaloosa, AL 35401", "ref": "partner-1"})
    assert counts(db) == {("partner-1", "", "visit"): 2,
                          ("partner-1", "al-circuit-6", "visit"): 1,
                          ("partner-1", "al-circuit-6", "lookup"): 1}


def test_cached_pages_still_count_every_visit(make_app):
    app = make_app(PAGE_CACHE_SECONDS=60)
    client = app.test_client()
    for _ in range(5):
        client.get("/districts/al-circuit-7?ref=cached")
    with app.app_context():
        from voterguide.extensions import db
        assert counts(db) == {("cached", "al-circuit-7", "visit"): 5}


@pytest.mark.parametrize("ref", [
    "", " ", "a" * 33, "a" * 10_000, "<script>alert(1)</script>", "abc def", "abc/def",
    "ab%cd", "é", "😀", "abc\x00", "'; DROP TABLE campaign_counts; --", "(other)", "a.b",
])
def test_bad_codes_are_ignored_never_an_error(client, db, ref):
    response = client.get("/districts/al-circuit-6", query_string={"ref": ref})
    assert response.status_code == 200
    assert counts(db) == {}
    response = client.post("/", data={"address": "35401", "ref": ref})
    assert response.status_code == 303
    assert counts(db) == {}


@pytest.mark.parametrize(("raw", "code"), [
    ("abc", "abc"), ("ABC", "abc"), (" Flyer-2028_a ", "flyer-2028_a"), ("a" * 32, "a" * 32),
    ("a" * 33, None), ("", None), (None, None), (["abc"], None), ("a b", None),
])
def test_clean_code(raw, code):
    assert campaigns.clean_code(raw) == code


def test_a_flood_of_random_codes_stays_bounded(make_app):
    app = make_app(CAMPAIGN_MAX_CODES_PER_DAY=20)
    client = app.test_client()
    rng = random.Random(4)
    alphabet = string.ascii_lowercase + string.digits
    codes = ["".join(rng.choice(alphabet) for _ in range(12)) for _ in range(200)]
    for code in codes:
        assert client.get(f"/about?ref={code}").status_code == 200
    client.get(f"/about?ref={codes[0]}")  # a code already counted today keeps counting
    with app.app_context():
        from voterguide.extensions import db
        found = counts(db)
    assert len({code for code, _, _ in found}) == 21  # 20 codes and "(other)"
    assert found[(campaigns.OTHER, "", "visit")] == 180
    assert found[(codes[0], "", "visit")] == 2
    assert sum(found.values()) == 201


def test_the_table_holds_counts_and_nothing_personal(client, db, database_path):
    client.get("/districts/al-circuit-6?ref=privacy",
               headers={"User-Agent": "Quillfeather-Browser/1.0", "X-Forwarded-For": "203.0.113.9"},
               environ_base={"REMOTE_ADDR": "198.51.100.7"})
    client.post("/", data={"address": "4217 Quillfeather Lane, Tuscaloosa, AL 35401",
                           "ref": "privacy"})
    columns = {c["name"] for c in inspect(db.engine).get_columns("campaign_counts")}
    assert columns == {"id", "day", "code", "district", "kind", "count"}
    for row in db.session.scalars(select(CampaignCount)):
        assert row.code == "privacy" and row.district == "al-circuit-6"
        assert row.day == campaigns.today()
    raw = database_path.read_bytes()
    for secret in (b"Quillfeather", b"203.0.113.9", b"198.51.100.7"):
        assert secret not in raw
    response = client.get("/districts/al-circuit-6?ref=privacy")
    assert not response.headers.getlist("Set-Cookie")


def test_the_key_is_unique_per_day_code_district_and_kind(app, db):
    index = {tuple(u["column_names"]) for u in inspect(db.engine).get_unique_constraints(
        "campaign_counts")}
    assert ("day", "code", "district", "kind") in index


def seed(db, days_ago: int, code: str, number: int, kind=CampaignEvent.VISIT) -> None:
    """Count a code some days ago, number times."""
    day = campaigns.today() - dt.timedelta(days=days_ago)
    for _ in range(number):
        campaigns.count(db.session, code, kind, "al-circuit-6", day=day)
    db.session.commit()


def test_the_report_command_prints_a_table(runner, db):
    seed(db, 0, "flyer", 5)
    seed(db, 0, "flyer", 2, CampaignEvent.LOOKUP)
    seed(db, 40, "old", 3)
    result = runner.invoke(args=["outreach", "campaign-report", "--days", "7"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["day", "code", "district", "visits", "lookups"]
    assert lines[1].split() == [str(campaigns.today()), "flyer", "al-circuit-6", "5", "2"]
    assert "old" not in result.output
    assert "old" in runner.invoke(args=["outreach", "campaign-report", "--days", "60"]).output
    assert runner.invoke(args=["outreach", "campaign-report", "--days", "0"]).exit_code != 0


def test_prune_drops_old_days_only(runner, db):
    seed(db, 0, "new", 1)
    seed(db, 10, "old", 1)
    result = runner.invoke(args=["outreach", "prune-campaigns", "--days", "7"])
    assert result.exit_code == 0 and "Removed 1" in result.output
    assert {code for code, _, _ in counts(db)} == {"new"}
    assert runner.invoke(args=["outreach", "prune-campaigns"]).exit_code != 0


def test_the_staff_view_needs_a_signed_in_staff_member(client):
    response = client.get("/staff/campaigns")
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]


def test_the_staff_view_shows_a_table_and_a_chart(app, editor):
    from voterguide.extensions import db

    seed(db, 1, "flyer", 4)
    seed(db, 0, "flyer", 2)
    seed(db, 0, "radio", 1, CampaignEvent.LOOKUP)
    client = editor
    response = client.get("/staff/campaigns?days=7")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.count("<rect") == 4  # two days, two bars each
    assert '<td data-label="Code">flyer</td>' in page
    assert '<td data-label="Code">radio</td>' in page
    assert 'role="img"' in page
    assert client.get("/staff/campaigns?days=abc").status_code == 400
    assert client.get("/staff/campaigns?days=100000").status_code == 400


@pytest.mark.parametrize(("query", "link"), [
    ("code=Church-Flyer&page=", "http://localhost/?ref=church-flyer"),
    ("code=radio&page=al-circuit-6", "http://localhost/districts/al-circuit-6?ref=radio"),
])
def test_staff_make_a_link_with_a_campaign_code(editor, query, link):
    response = editor.get("/staff/campaigns?" + query)
    assert response.status_code == 200
    assert f'href="{link}"' in response.get_data(as_text=True)


@pytest.mark.parametrize("query", ["code=&page=", "code=two%20words", "code=" + "x" * 40,
                                   "code=ok&page=nope", "code=ok&page=" + "a" * 5000,
                                   "code=%3Cscript%3E"])
def test_a_bad_campaign_link_request_is_explained(editor, query):
    response = editor.get("/staff/campaigns?" + query)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'role="alert"' in page and "Share this link" not in page
    assert "<script>" not in page
