"""Each survey tool's example export (tests/data/survey-exports/, written by
scripts/make_survey_examples.py) imported end to end: every answer on the right existing
candidate and question, explanations kept, dates right, no new candidate, and the candidate's
card saying they answered."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

import pytest
from sqlalchemy import func, select

from voterguide.models import Candidate, Election
from voterguide.staff import services

from .support import REPO

EXPORTS = REPO / "tests" / "data" / "survey-exports"
SLUG = "al-2028-general-sample"

#: What the three candidates answered (position: (choice, explanation)), written out here
#: independently of the script that builds the files.
EXPECTED = {
    "al-circuit-6-simone-pruitt": (dt.date(2028, 7, 3), {
        1: ("Yes", "Nobody should sit in jail for weeks because they cannot pay."),
        2: ("5", "Diversion works, and it costs far less than a trial."),
        3: ("Yes", "Our prosecutors' time belongs on violent crime."),
        4: ("No", "I would not seek it in any case."),
        5: ("2", "A record should count, but each case on its own facts."),
        6: ("Yes", "Victims deserve a say before any plea."),
        7: ("4", "People held in jail should not wait months for trial."),
        8: ("No", "The facts of each shooting should decide."),
        9: (None, "We would weigh immigration consequences in every plea offer, in writing."),
        10: (None, "Open the office's data to the public.\nThen meet every neighborhood twice "
                   "a year."),
    }),
    "al-circuit-13-andres-pettway": (dt.date(2028, 7, 15), {
        1: ("Yes", "Pretrial release should depend on risk, not money."),
        2: ("4", "For most first offenses, yes."),
        3: ("No", "Possession cases will be handled case by case."),
        4: ("Yes", "Only for the most serious murders."),
        5: ("3", "It depends on the earlier offenses."),
        6: ("Yes", "A call to the victim before every plea."),
        7: ("4", "Firm deadlines for every felony file."),
        8: ("Yes", "Shootings deserve the longest sentence."),
        9: (None, "Every plea offer to a non-citizen would say what it means for their "
                  "immigration status."),
        10: (None, "Hire more victim advocates."),
    }),
    "al-circuit-1-jamal-dunaway": (dt.date(2028, 8, 2), {
        1: ("No", "Judges need money bail as one tool among others."),
        2: ("2", "Diversion should be earned, not automatic."),
        3: ("No", "The law is the law until the legislature changes it."),
        4: ("Yes", "For the worst crimes, juries should have the choice."),
        5: ("5", "Repeat violent offenders must be kept off the streets."),
        6: ("Yes", "Victims come first in my office."),
        7: ("3", "Complex cases need time to be done right."),
        8: ("Yes", "Gun violence must be met with firm sentences."),
        9: (None, "Immigration status should not change how a case is charged."),
        10: (None, "Clear the backlog of untried cases."),
    }),
}
ALL = set(range(1, 11))
#: Each file, the tool it must be recognised as, and the questions it carries explanations for.
FILES = {
    "surveymonkey.csv": ("SurveyMonkey", ALL),
    "surveymonkey.xlsx": ("SurveyMonkey", ALL),
    "microsoft-forms.xlsx": ("Microsoft Forms", ALL),
    "qualtrics.csv": ("Qualtrics", ALL),
    "typeform.csv": ("Typeform", ALL),
    "google-forms.csv": ("Google Forms", {1, 3, 9, 10}),
    "excel-by-hand.xlsx": ("A spreadsheet", ALL),
    "excel-unicode-text.txt": ("A spreadsheet", ALL),
    "excel-semicolon.csv": ("A spreadsheet", ALL),
}


def election(db) -> Election:
    """The seeded sample election."""
    return db.session.scalar(select(Election).where(Election.slug == SLUG))


def count(db, model) -> int:
    """How many rows a table has."""
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("file_name", list(FILES))
def test_each_tool_export_imports_onto_the_right_candidates(db, client, file_name):
    """Every answer lands on the existing candidate and question, with its explanation and the
    date the tool recorded; nobody new is created; the cards stop saying "did not respond"."""
    tool, explained = FILES[file_name]
    candidates_before = count(db, Candidate)
    change_set = services.start_import(db.session, election(db), file_name,
                                       (EXPORTS / file_name).read_bytes(), None)
    blocking = [p for p in change_set.problems if p["blocking"]]
    assert not blocking, blocking
    assert change_set.reading["tool_name"] == tool
    assert not change_set.reading["asks"]
    assert not [c for c in change_set.changes if c["entity"] == "candidate" and
                c["before"] is None]
    services.queue(db.session, change_set)
    services.publish(db.session, change_set, None)
    db.session.commit()
    assert count(db, Candidate) == candidates_before
    for slug, (received, answers) in EXPECTED.items():
        candidate = db.session.scalar(select(Candidate).where(Candidate.slug == slug))
        assert candidate.response_status.value == "responded"
        got = {a.question.position: a for a in candidate.answers}
        assert set(got) == ALL, (slug, sorted(got))
        for position, (choice, words) in answers.items():
            answer = got[position]
            assert answer.choice == choice, (slug, position)
            if position in explained:
                assert answer.explanation == words, (slug, position)
            else:
                assert answer.explanation == "", (slug, position)
            assert answer.received_on == received, (slug, position)
    page = client.get("/districts/al-circuit-6").get_data(as_text=True)
    card = page[page.index("Simone Pruitt"):][:2000]
    assert "Answered the questionnaire" in card and "Did not respond" not in card
    voter = client.get("/candidates/al-circuit-6-simone-pruitt").get_data(as_text=True)
    assert "Nobody should sit in jail for weeks because they cannot pay." in voter
    assert "received Jul 3, 2028" in voter
    again = services.start_import(db.session, election(db), file_name,
                                  (EXPORTS / file_name).read_bytes(), None)
    assert again.changes == [] and "30 answers unchanged" in again.summary


def test_the_examples_are_rebuilt_byte_for_byte():
    """The committed examples are exactly what the script writes (it is re-runnable)."""
    path = REPO / "scripts" / "make_survey_examples.py"
    spec = importlib.util.spec_from_file_location("make_survey_examples", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    built = module.files()
    assert sorted(built) == sorted(FILES)
    for name, content in built.items():
        assert content == Path(EXPORTS / name).read_bytes(), name


def test_answers_are_kept_verbatim_with_their_line_breaks(db):
    """The line break inside the last column of the text exports stays in the explanation."""
    change_set = services.start_import(db.session, election(db), "x.txt", (
        EXPORTS / "excel-unicode-text.txt").read_bytes(), None)
    [change] = [c for c in change_set.changes if c["entity"] == "answer" and c["key"][0] ==
                "al-circuit-6-simone-pruitt" and c["label"].endswith("(Most important change)")]
    assert "public.\nThen meet" in change["after"]["explanation"]
