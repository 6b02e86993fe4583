"""How long a large questionnaire import takes: 200 candidates x 50 questions (10,000 answers).

Builds its own SQLite database in a temporary directory (Alabama's districts, an election
with a 50-question questionnaire), writes a wide CSV of 200 fictional candidates, then times
the preview (read, clean, compare) and the publication (one transaction) separately, and a
second import of the same file (which must change nothing). Nothing is asserted.

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


def build_file(districts: list[District]) -> bytes:
    """A wide CSV: name, district, then a choice and an explanation column per question."""
    out = io.StringIO()
    writer = csv.writer(out)
    header = ["name", "district"]
    for n in range(1, QUESTIONS + 1):
        header += [f"Topic {n}", f"Topic {n} — explanation"]
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
                questionnaire.questions.append(Question(position=n, topic=f"Topic {n}",
                                                        text=f"Question {n}?",
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


if __name__ == "__main__":
    main()
