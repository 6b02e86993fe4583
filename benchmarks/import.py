"""How long a large questionnaire import takes: 200 candidates x 50 questions (10,000 answers).

Builds its own SQLite database in a temporary directory (Alabama's districts, an election
with a 50-question questionnaire), writes a wide CSV of 200 fictional candidates, then times
the preview (read, clean, compare) and the publication (one transaction) separately, and a
second import of the same file (which must change nothing). Then a large publication (2,500
new candidates with 10 answers each, how long it holds SQLite's write lock, while sign-ins
and campaign counts wait) beside its floor measured in the same run: the same rows written
by plain sqlite3 ``executemany`` INSERTs in one transaction. Nothing is asserted.

    python benchmarks/import.py
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from voterguide import create_app  # noqa: E402
from voterguide.extensions import db  # noqa: E402
from voterguide.models import (  # noqa: E402
    District,
    Election,
    Question,
    QuestionKind,
    Questionnaire,
    Race,
)
from voterguide.staff import services  # noqa: E402

CANDIDATES, QUESTIONS = 200, 50
#: Fifty distinct topics (a header names its question by its topic, as survey tools' do).
TOPICS = [f"{area} {aspect}" for area in ("Bail", "Charging", "Diversion", "Juvenile",
                                          "Sentencing", "Police", "Victims", "Drugs", "Data",
                                          "Budget")
          for aspect in ("policy", "reform", "practice", "funding", "oversight")]


def build_file(districts: list[District]) -> bytes:
    """A wide CSV: name, district, then a choice and an explanation column per question."""
    out = io.StringIO()
    writer = csv.writer(out)
    header = ["name", "district"]
    for n in range(1, QUESTIONS + 1):
        header += [TOPICS[n - 1], f"{TOPICS[n - 1]} — explanation"]
    writer.writerow(header)
    for c in range(CANDIDATES):
        row = [f"Bench Candidate {c}", districts[c % len(districts)].slug]
        for n in range(1, QUESTIONS + 1):
            row += ["Yes" if (c + n) % 2 else "No", f"Explanation {c}-{n}, a sentence or two."]
        writer.writerow(row)
    return out.getvalue().encode("utf-8")


def main() -> None:
    """Print the figures."""
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"DATABASE_URL": f"sqlite:///{Path(tmp) / 'bench.sqlite3'}",
                          "DATA_DIR": str(REPO / "data"), "STATES": "al"})
        result = app.test_cli_runner().invoke(args=["setup"])
        assert result.exit_code == 0, result.output
        with app.app_context():
            districts = list(db.session.scalars(db.select(District).order_by(District.id)))
            questionnaire = Questionnaire(slug="bench", title="Bench questionnaire")
            for n in range(1, QUESTIONS + 1):
                questionnaire.all_questions.append(Question(position=n, topic=TOPICS[n - 1],
                                                        text=f"What is your {TOPICS[n - 1]}?",
                                                        kind=QuestionKind.YES_NO))
            election = Election(slug="bench", name="Bench", date=dt.date(2030, 11, 5),
                                state_code="AL")
            for district in districts:
                db.session.add(Race(election=election, district=district,
                                    office=district.office, questionnaire=questionnaire))
            db.session.commit()
            content = build_file(districts)
            start = time.perf_counter()
            change_set = services.start_import(db.session, election, "bench.csv", content, None)
            db.session.commit()
            preview = time.perf_counter() - start
            start = time.perf_counter()
            blocking = [p["message"] for p in change_set.problems if p["blocking"]]
            assert not blocking, blocking[:3]
            services.queue(db.session, change_set)
            services.publish(db.session, change_set, None)
            db.session.commit()
            publish = time.perf_counter() - start
            start = time.perf_counter()
            again = services.start_import(db.session, election, "bench.csv", content, None)
            db.session.rollback()
            second = time.perf_counter() - start
            assert not again.changes, "a second import of the same file must change nothing"
    answers = CANDIDATES * QUESTIONS
    print(f"{'figure':<52} {'value':>9}   aim")
    print(f"{f'preview of {CANDIDATES} candidates x {QUESTIONS} questions':<52} "
          f"{preview:>8.2f}s")
    print(f"{f'publish ({answers:,} answers, one transaction)':<52} {publish:>8.2f}s")
    print(f"{'import = preview + publish':<52} {preview + publish:>8.2f}s   <= 3 s")
    print(f"{'the same file again (nothing to change)':<52} {second:>8.2f}s")
    published, floor = large_publish()
    rows = f"{LARGE:,} new candidates x {LARGE_QUESTIONS} answers"
    print(f"\n{'publish of ' + rows:<52} {published:>8.2f}s   the write lock is held this long")
    print(f"{'floor: the same rows by sqlite3 executemany':<52} {floor:>8.2f}s   "
          f"publish = {published / floor:.0f}x the floor")


LARGE, LARGE_QUESTIONS = 2500, 10


def large_publish() -> tuple[float, float]:
    """Seconds to publish LARGE new candidates with LARGE_QUESTIONS answers each, and to
    write the same rows with plain sqlite3 (the floor)."""
    import sqlite3

    from voterguide.models import ChangeSet, ChangeSetKind, ChangeSetStatus

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "large.sqlite3"
        app = create_app({"DATABASE_URL": f"sqlite:///{path}", "DATA_DIR": str(REPO / "data"),
                          "STATES": "al"})
        result = app.test_cli_runner().invoke(args=["setup"])
        assert result.exit_code == 0, result.output
        with app.app_context():
            district = db.session.scalars(db.select(District).order_by(District.id)).first()
            questionnaire = Questionnaire(slug="large", title="Large questionnaire")
            for n in range(1, LARGE_QUESTIONS + 1):
                questionnaire.all_questions.append(Question(position=n, topic=f"Topic {n}",
                                                        text=f"Question {n}?",
                                                        kind=QuestionKind.YES_NO))
            election = Election(slug="large", name="Large", date=dt.date(2030, 11, 5),
                                state_code="AL")
            db.session.add(Race(election=election, district=district, office=district.office,
                                questionnaire=questionnaire))
            db.session.commit()
            spec = {"election": "large", "district": district.id, "office": district.office}
            changes = []
            for c in range(LARGE):
                slug = f"large-candidate-{c}"
                changes.append({"entity": "candidate", "key": slug, "label": slug,
                                "before": None,
                                "after": {"name": f"Large Candidate {c}", "party": None,
                                          "incumbent": False, "website": None,
                                          "photo_url": None, "bio": "",
                                          "response_status": "responded", "withdrawn": False,
                                          "race": spec}})
                changes += [{"entity": "answer", "key": [slug, question.id], "label": slug,
                             "before": None, "after": {"choice": "yes",
                                                       "explanation": f"Because {c}.",
                                                       "received_on": None}}
                            for question in questionnaire.all_questions]
            draft = ChangeSet(kind=ChangeSetKind.EDIT, status=ChangeSetStatus.DRAFT,
                              changes=changes, problems=[], created_at=dt.datetime.now(),
                              summary="large")
            db.session.add(draft)
            db.session.commit()
            start = time.perf_counter()
            services.publish(db.session, draft, None)
            db.session.commit()
            published = time.perf_counter() - start
        floor_path = Path(tmp) / "floor.sqlite3"
        with sqlite3.connect(floor_path) as connection:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("CREATE TABLE c (id INTEGER PRIMARY KEY, slug TEXT UNIQUE, "
                               "name TEXT, bio TEXT)")
            connection.execute("CREATE TABLE a (id INTEGER PRIMARY KEY, c INTEGER, q INTEGER, "
                               "choice TEXT, explanation TEXT, UNIQUE (c, q))")
        start = time.perf_counter()
        with sqlite3.connect(floor_path) as connection:
            connection.executemany("INSERT INTO c (id, slug, name, bio) VALUES (?, ?, ?, '')",
                                   [(c, f"large-candidate-{c}", f"Large Candidate {c}")
                                    for c in range(LARGE)])
            connection.executemany("INSERT INTO a (c, q, choice, explanation) "
                                   "VALUES (?, ?, 'yes', ?)",
                                   [(c, q, f"Because {c}.") for c in range(LARGE)
                                    for q in range(LARGE_QUESTIONS)])
        floor = time.perf_counter() - start
    return published, floor


if __name__ == "__main__":
    main()
