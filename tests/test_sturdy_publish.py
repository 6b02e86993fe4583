"""Publishing under concurrency: two admins publishing at the same moment, in gunicorn with
two workers on one SQLite file. Of two conflicting drafts exactly one lands and the other
names its conflicts; a draft published twice at once lands once; never a 500."""

from __future__ import annotations

import datetime as dt
import threading

from sqlalchemy import func, select

from voterguide.models import Answer, Candidate, ChangeSet, ChangeSetKind, ChangeSetStatus, Race
from voterguide.serializers import answer_fields

from .support.http import Visitor


def _draft(db, admin, changes, summary):
    draft = ChangeSet(kind=ChangeSetKind.EDIT, status=ChangeSetStatus.DRAFT, changes=changes,
                      problems=[], created_by=admin, created_at=dt.datetime(2026, 1, 1),
                      summary=summary)
    db.session.add(draft)
    db.session.commit()
    return draft.id


def _answer_changes(db, text: str, choice: str | None) -> list[dict]:
    """Change every answer's explanation and choice (many rows: a wide window to race in)."""
    changes = []
    for answer in db.session.scalars(select(Answer).order_by(Answer.id)):
        before = answer_fields(answer)
        changes.append({"entity": "answer", "key": [answer.candidate.slug, answer.question_id],
                        "label": f"answer {answer.id}",
                        "before": {"choice": before["choice"],
                                   "explanation": before["explanation"]},
                        "after": {"choice": choice, "explanation": text}})
    return changes


def _new_candidate(db, slug: str) -> dict:
    race = db.session.scalars(select(Race).order_by(Race.id)).first()
    return {"entity": "candidate", "key": slug, "label": "Pat Sample",
            "before": None,
            "after": {"name": "Pat Sample", "party": None, "incumbent": False, "website": None,
                      "photo_url": None, "bio": "", "response_status": "no_response",
                      "withdrawn": False,
                      "race": {"election": race.election.slug, "district": race.district_id,
                               "office": race.office}}}


def _at_once(calls):
    """Run the calls in threads released together; return their results in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        barrier.wait()
        results[index] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _signed_in_admins(base_url, count):
    visitors = [Visitor(base_url) for _ in range(count)]
    for visitor in visitors:
        assert visitor.sign_in("admin@example.org").status == 303
    return visitors


def test_two_conflicting_drafts_published_at_once_one_wins_the_other_names_conflicts(
        app, db, make_user, database_path, tmp_path, gunicorn_server):
    admin = make_user("admin@example.org", "admin")
    first = _draft(db, admin, _answer_changes(db, "From draft A.", "Yes"), "A")
    second = _draft(db, admin, _answer_changes(db, "From draft B.", "No"), "B")
    with gunicorn_server(database_path, tmp_path, WEB_CONCURRENCY="2") as base_url:
        one, two = _signed_in_admins(base_url, 2)
        for visitor, draft in ((one, first), (two, second)):
            visitor.get(f"/staff/changes/{draft}")  # the token of its page
        answers = _at_once([lambda: one.post(f"/staff/changes/{first}/publish"),
                            lambda: two.post(f"/staff/changes/{second}/publish")])
        assert [a.status for a in answers] == [303, 303]
        pages = [one.get(f"/staff/changes/{first}").text, two.get(f"/staff/changes/{second}").text]
    db.session.expire_all()
    statuses = {cs.summary: cs.status for cs in db.session.scalars(
        select(ChangeSet).where(ChangeSet.id.in_([first, second])))}
    assert sorted(s.value for s in statuses.values()) == ["draft", "published"], statuses
    winner = "A" if statuses["A"] is ChangeSetStatus.PUBLISHED else "B"
    wanted = {"A": ("Yes", "From draft A."), "B": ("No", "From draft B.")}[winner]
    live = {(a.choice, a.explanation) for a in db.session.scalars(select(Answer))}
    assert live == {wanted}  # every answer wholly from the winner: no mix of the two
    loser_page = pages[1] if winner == "A" else pages[0]
    assert "Nothing was published" in loser_page and "changed since this draft" in loser_page


def test_the_same_draft_published_twice_at_once_lands_once(
        app, db, make_user, database_path, tmp_path, gunicorn_server):
    admin = make_user("admin@example.org", "admin")
    draft = _draft(db, admin, [_new_candidate(db, "pat-sample-twice")], "twice")
    with gunicorn_server(database_path, tmp_path, WEB_CONCURRENCY="2") as base_url:
        visitors = _signed_in_admins(base_url, 4)
        for visitor in visitors:
            visitor.get(f"/staff/changes/{draft}")
        answers = _at_once([lambda v=v: v.post(f"/staff/changes/{draft}/publish")
                            for v in visitors])
    assert [a.status for a in answers] == [303] * 4, [a.text[:300] for a in answers]
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Candidate).where(
        Candidate.slug == "pat-sample-twice")) == 1
    assert db.session.get(ChangeSet, draft).status is ChangeSetStatus.PUBLISHED


def test_two_drafts_adding_the_same_candidate_one_lands_the_other_is_told(
        app, db, make_user, database_path, tmp_path, gunicorn_server):
    admin = make_user("admin@example.org", "admin")
    first = _draft(db, admin, [_new_candidate(db, "pat-sample")], "A")
    second = _draft(db, admin, [_new_candidate(db, "pat-sample")], "B")
    with gunicorn_server(database_path, tmp_path, WEB_CONCURRENCY="2") as base_url:
        one, two = _signed_in_admins(base_url, 2)
        one.get(f"/staff/changes/{first}")
        two.get(f"/staff/changes/{second}")
        answers = _at_once([lambda: one.post(f"/staff/changes/{first}/publish"),
                            lambda: two.post(f"/staff/changes/{second}/publish")])
        assert [a.status for a in answers] == [303, 303]
        pages = [one.get(f"/staff/changes/{first}").text, two.get(f"/staff/changes/{second}").text]
    assert sum("Pat Sample: already exists now." in page for page in pages) == 1
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Candidate).where(
        Candidate.slug == "pat-sample")) == 1


def _counted(database, code: str, wanted: int) -> int:
    """The committed count of a code once it reaches ``wanted`` (counts kept aside during a
    long write are added within a second or so of its end), or as it is after 60 s."""
    import time

    deadline = time.monotonic() + 60
    while True:
        [(found,)] = database.rows("SELECT coalesce(sum(count), 0) FROM campaign_counts "
                                   "WHERE code = :code", code=code)
        if found >= wanted or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def test_visit_counts_during_a_long_write_are_kept_and_counted_once_it_ends(
        app, db, database_path, tmp_path, gunicorn_server):
    """While another writer (a long publication) holds the write lock (on SQLite, the whole
    database's), campaign visits are answered without waiting for it, and every one is
    counted once it ends (kept aside meanwhile, beside the database)."""
    import time

    from sqlalchemy import create_engine
    from sqlalchemy import text as sql

    with gunicorn_server(database_path, tmp_path, WEB_CONCURRENCY="2",
                         VOTERGUIDE_PAGE_CACHE_SECONDS="0") as base_url:
        engine = create_engine(database_path.url)
        writer = engine.connect()
        transaction = writer.begin()  # as a publication holds it
        writer.execute(sql("UPDATE content_version SET number = number"))
        visitors = [Visitor(base_url) for _ in range(12)]
        results = []

        def visit(visitor):
            results.append(visitor.get("/districts/al-circuit-6?ref=eve").status)

        threads = [threading.Thread(target=visit, args=(v,)) for v in visitors]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()  # answered while the lock is still held
        assert results == [200] * 12
        time.sleep(6)  # longer than SQLite's default wait of 5 s: the old setup lost these
        transaction.commit()
        writer.close()
        engine.dispose()
        assert _counted(database_path, "eve", 12) == 12


def test_visits_during_a_large_publish_are_all_answered_and_all_counted(
        app, db, make_user, database_path, tmp_path, gunicorn_server):
    """A large publication in one thread, campaign visits in others while it runs (two
    gunicorn workers): every visit is answered (no 500), the publication lands, and every
    visit is counted afterwards."""
    admin = make_user("admin@example.org", "admin")
    draft = _draft(db, admin, _many_new_candidates(db, 1200), "large")
    with gunicorn_server(database_path, tmp_path, WEB_CONCURRENCY="2",
                         VOTERGUIDE_PAGE_CACHE_SECONDS="0") as base_url:
        [staff] = _signed_in_admins(base_url, 1)
        staff.get(f"/staff/changes/{draft}")
        published = []
        publishing = threading.Thread(target=lambda: published.append(
            staff.post(f"/staff/changes/{draft}/publish")))
        publishing.start()
        statuses: list[int] = []
        rounds = 0
        while publishing.is_alive():  # visits keep coming while the publication runs
            rounds += 1
            visits = [threading.Thread(target=lambda: statuses.append(
                Visitor(base_url).get("/districts/al-circuit-6?ref=publish").status))
                for _ in range(2)]
            for visit in visits:
                visit.start()
            for visit in visits:
                visit.join()
        publishing.join()
        assert published[0].status == 303
        assert rounds >= 1 and statuses == [200] * len(statuses)
        assert _counted(database_path, "publish", len(statuses)) == len(statuses)
    db.session.expire_all()
    assert db.session.get(ChangeSet, draft).status is ChangeSetStatus.PUBLISHED
    assert db.session.scalar(select(func.count()).select_from(Candidate).where(
        Candidate.slug.like("pat-sample-%"))) == 1200


def _many_new_candidates(db, count: int) -> list[dict]:
    """New candidates in one race (a large draft: every one is written to preview it)."""
    return [{**_new_candidate(db, f"pat-sample-{n}"), "label": f"Pat Sample {n}",
             "after": {**_new_candidate(db, "x")["after"], "name": f"Pat Sample {n}"}}
            for n in range(count)]


def test_a_large_draft_preview_takes_no_write_lock_a_visit_is_counted_meanwhile(
        make_app, database, monkeypatch):
    """While a staff preview of a large draft is being rendered (the draft applied), a
    campaign visit on another connection writes its count at once: the preview (a GET)
    holds no write lock. A writer waits at most 0.1 s here, so a held lock loses the count.
    The preview still shows the draft, and nothing of it reaches the database."""
    from voterguide.extensions import db as _db
    from voterguide.models import CampaignCount
    from voterguide.staff import views
    from voterguide.staff.accounts import create_user

    from .support import PASSWORD, sign_in

    app = make_app(SQLITE_BUSY_SECONDS=0.1)
    with app.app_context():
        admin = create_user(_db.session, "admin@example.org", PASSWORD, "admin")
        _db.session.commit()
        race = _db.session.scalars(select(Race).order_by(Race.id)).first()
        district = race.district.slug
        draft = _draft(_db, admin, _many_new_candidates(_db, 1500), "large")
    staff, voter = app.test_client(), app.test_client()
    assert sign_in(staff, "admin@example.org").status_code == 303
    during = []
    rendered = views.district_html

    def render_with_a_visit_meanwhile(slug):
        visit = threading.Thread(target=lambda: during.append(
            voter.get(f"/districts/{district}?ref=during").status_code))
        visit.start()
        visit.join()  # the visit ends while the draft is applied
        return rendered(slug)

    monkeypatch.setattr(views, "district_html", render_with_a_visit_meanwhile)
    page = staff.get(f"/staff/changes/{draft}/districts/{district}")
    assert page.status_code == 200
    assert "Pat Sample 1499" in page.get_data(as_text=True)
    assert during == [200]
    assert database.rows("SELECT sum(count) FROM campaign_counts WHERE code = 'during'") \
        == [(1,)]
    assert database.rows("SELECT count(*) FROM candidates WHERE slug LIKE 'pat-sample-%'") \
        == [(0,)]
    with app.app_context():
        assert _db.session.get(ChangeSet, draft).status is ChangeSetStatus.DRAFT
        assert _db.session.scalar(select(func.count()).select_from(CampaignCount)) == 1


def test_a_large_publish_writes_every_new_candidates_answers_and_rolls_back_whole(
        app, db, client, make_user):
    """Hundreds of new candidates with their answers, published at once (the answers go in
    by multi-row INSERTs, the races read once): every answer is there, the first page
    rendered afterwards shows them, and rolling the publication back removes them all."""
    from voterguide.staff import services

    admin = make_user("admin@example.org", "admin")
    race = db.session.scalars(select(Race).where(Race.questionnaire_id.isnot(None))
                              .order_by(Race.id)).first()
    questions = race.questionnaire.questions
    changes = _many_new_candidates(db, 300)
    for change in changes:
        change["after"]["race"] = {"election": race.election.slug,
                                   "district": race.district_id, "office": race.office}
    for n, change in enumerate(list(changes)):
        for question in questions:
            changes.append({"entity": "answer", "key": [change["key"], question.id],
                            "label": f"answer {n}", "before": None,
                            "after": {"choice": None, "explanation": f"Because {n}.",
                                      "received_on": f"2026-03-0{1 + n % 9}"}})
    draft = db.session.get(ChangeSet, _draft(db, admin, changes, "large, with answers"))
    services.publish(db.session, draft, admin)
    db.session.commit()
    new = select(Answer).join(Candidate).where(Candidate.slug.like("pat-sample-%"))
    assert db.session.scalar(select(func.count()).select_from(new.subquery())) \
        == 300 * len(questions)
    last = db.session.scalar(select(Candidate).where(Candidate.slug == "pat-sample-299"))
    assert {a.explanation for a in last.answers} == {"Because 299."}
    assert {a.received_on for a in last.answers} == {dt.date(2026, 3, 3)}
    page = client.get("/candidates/pat-sample-299")
    assert page.status_code == 200 and "Because 299." in page.text
    services.rollback(db.session, draft, admin)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(new.subquery())) == 0
    assert db.session.scalar(select(func.count()).select_from(Candidate).where(
        Candidate.slug.like("pat-sample-%"))) == 0
