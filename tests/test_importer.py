"""The importer: each cleaner against a table of cases, then whole imports (CSV and XLSX, wide
and long) on the real seeded SQLite database, and every kind of bad file."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from voterguide.models import Answer, Candidate, ChangeSet, Election, QuestionKind
from voterguide.staff import cleaners, services
from voterguide.staff.cleaners import CleanError
from voterguide.staff.reading import FileRefused, column_letter, read_table

from .support import DATA_DIR
from .support.spreadsheets import csv_bytes, xlsx_bytes

ELECTION = json.loads((DATA_DIR / "al" / "demo-election.json").read_text(encoding="utf-8"))
QUESTIONS = ELECTION["questionnaire"]["questions"]
SLUG = ELECTION["election"]["slug"]


# --- cleaners -------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "expected"), [
    ("Yes", "Yes"), ("yes", "Yes"), ("Y", "Yes"), (" YES ", "Yes"), ("Yes, I would", "Yes"),
    ("no", "No"), ("N", "No"), ("No.", "No"), ("", None), ("  ", None),
])
def test_clean_choice_yes_no(value, expected):
    """Common spellings of yes and no."""
    assert cleaners.clean_choice(value, QuestionKind.YES_NO) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("1", "1"), ("5", "5"), ("3 - Neutral", "3"), ("4 of 5", "4"), ("Strongly agree", "5"),
    ("strongly disagree", "1"), ("Agree", "4"), ("Neither agree nor disagree", "3"), ("", None),
])
def test_clean_choice_scale(value, expected):
    """Scale answers by number or, where the labels match, by words."""
    assert cleaners.clean_choice(value, QuestionKind.SCALE, "Strongly disagree",
                                 "Strongly agree") == expected


@pytest.mark.parametrize(("value", "kind"), [
    ("Maybe", QuestionKind.YES_NO), ("=1+1", QuestionKind.YES_NO), ("6", QuestionKind.SCALE),
    ("0", QuestionKind.SCALE), ("Often", QuestionKind.SCALE), ("<b>yes</b>", QuestionKind.YES_NO),
])
def test_clean_choice_refuses(value, kind):
    """Anything else is refused with the value in the message."""
    with pytest.raises(CleanError, match="not"):
        cleaners.clean_choice(value, kind, "Strongly disagree", "Strongly agree")


def test_scale_words_only_where_the_labels_match():
    """"Agree" means 4 only on an agree/disagree scale."""
    with pytest.raises(CleanError):
        cleaners.clean_choice("Agree", QuestionKind.SCALE, "Never", "Always")
    assert cleaners.clean_choice("Always", QuestionKind.SCALE, "Never", "Always") == "5"


@pytest.mark.parametrize(("value", "expected"), [
    ("yes", True), ("Y", True), ("TRUE", True), ("x", True), ("no", False), ("0", False),
    ("", None),
])
def test_clean_incumbent(value, expected):
    """Yes/no spellings; blank means unknown."""
    assert cleaners.clean_incumbent(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("https://example.org", "https://example.org"), ("example.org/jane", "https://example.org/jane"),
    ("http://a.example.com/x?y=1", "http://a.example.com/x?y=1"), ("", None),
])
def test_clean_url(value, expected):
    """Web addresses, with https:// added to a bare domain."""
    assert cleaners.clean_url(value) == expected


@pytest.mark.parametrize("value", ["javascript:alert(1)", "=HYPERLINK(\"http://x.y\")", "not a url",
                                   "ftp://example.org", "https://exa mple.org"])
def test_clean_url_refuses(value):
    """Anything that is not an http(s) address is refused."""
    with pytest.raises(CleanError, match="not a web address"):
        cleaners.clean_url(value)


@pytest.mark.parametrize(("value", "expected"), [
    ("2028-07-15", dt.date(2028, 7, 15)), ("7/15/2028", dt.date(2028, 7, 15)),
    ("7/15/2028 10:20:33", dt.date(2028, 7, 15)), ("2028/07/15 10:20:33 AM", dt.date(2028, 7, 15)),
    ("July 15, 2028", dt.date(2028, 7, 15)), ("", None),
])
def test_clean_date(value, expected):
    """Dates as survey tools write them."""
    assert cleaners.clean_date(value) == expected


@pytest.mark.parametrize("value", ["tomorrow", "15/15/2028", "2028-13-01"])
def test_clean_date_refuses(value):
    """Unreadable dates are refused."""
    with pytest.raises(CleanError, match="not a date"):
        cleaners.clean_date(value)


@pytest.mark.parametrize(("value", "expected"), [
    ("responded", "responded"), ("Declined to respond", "declined"), ("no response", "no_response"),
    ("", None),
])
def test_clean_status(value, expected):
    """Questionnaire statuses."""
    status = cleaners.clean_status(value)
    assert (status.value if status else None) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("  Jane   Example ", "Jane Example"), ("Zoë O’Neill", "Zoë O’Neill")])
def test_clean_name(value, expected):
    """Names are trimmed, inner space collapsed, letters kept."""
    assert cleaners.clean_name(value) == expected


@pytest.mark.parametrize("value", ["", "   ", "x" * 201])
def test_clean_name_refuses(value):
    """Empty or overlong names are refused."""
    with pytest.raises(CleanError):
        cleaners.clean_name(value)


@pytest.mark.parametrize(("value", "expected"), [
    ("Money bail", "money bail"), ("  MONEY  BAIL? ", "money bail"),
    ("Money bail — explanation", "money bail - explanation"), ("“Quoted”", "quoted")])
def test_normalise(value, expected):
    """Header matching ignores case, spacing, dashes and quotes."""
    assert cleaners.normalise(value) == expected


@pytest.mark.parametrize(("index", "letter"), [(0, "A"), (25, "Z"), (26, "AA"), (27, "AB")])
def test_column_letter(index, letter):
    """Spreadsheet column letters."""
    assert column_letter(index) == letter


# --- reading files --------------------------------------------------------------------------

@pytest.mark.parametrize(("content", "message"), [
    (b"", "empty"), (b"   \n\n", "empty"), (b"name,district\n", "no rows"),
    (b"%PDF-1.4 stuff", "PDF"), (b"\x89PNG\r\n\x1a\n....", "PNG"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", ".xls"), (b"PK\x03\x04garbage", "not an Excel"),
    (b"<!DOCTYPE html><html><body>hi</body></html>", "web page"),
    (b"name\x00district\x00", "binary"),
])
def test_read_table_refuses(content, message):
    """Files that are not spreadsheets are refused with a reason."""
    with pytest.raises(FileRefused, match=message):
        read_table("upload.csv", content)


def test_read_table_encodings():
    """UTF-8 with a BOM and Windows-1252 both read correctly (the latter with a note)."""
    text = "name,district\nZoë Núñez,al-circuit-6\n"
    bom = read_table("a.csv", "\ufeff".encode() + text.encode("utf-8"))
    assert bom.headers == ["name", "district"] and bom.rows[0][1][0] == "Zoë Núñez"
    assert not bom.notes
    cp = read_table("a.csv", text.encode("cp1252"))
    assert cp.rows[0][1][0] == "Zoë Núñez" and "Windows-1252" in cp.notes[0]
    utf16 = read_table("a.csv", text.encode("utf-16"))
    assert utf16.rows[0][1][0] == "Zoë Núñez"


def test_read_table_semicolons_and_row_numbers():
    """Semicolon CSVs (European Excel) work; blank rows keep the spreadsheet's numbering."""
    table = read_table("a.csv", b"name;district\n\nA;b\n")
    assert table.rows == [(3, ["A", "b"])]


def answered() -> tuple[dict, dict]:
    """A demo race and one of its candidates who answered."""
    return next((race, c) for race in ELECTION["races"] for c in race["candidates"]
                if c["answers"])


# --- whole imports --------------------------------------------------------------------------



def election(db) -> Election:
    """The seeded sample election."""
    return db.session.scalar(select(Election).where(Election.slug == SLUG))


def snapshot(db) -> list[tuple]:
    """Every published candidate and answer, to show that nothing changed."""
    candidates = db.session.execute(select(Candidate.slug, Candidate.name, Candidate.party,
                                           Candidate.response_status).order_by(Candidate.slug))
    answers = db.session.execute(select(Answer.candidate_id, Answer.question_id, Answer.choice,
                                        Answer.explanation).order_by(Answer.id))
    return list(candidates) + list(answers)


def import_and_publish(db, name: str, content: bytes, **options) -> ChangeSet:
    """Import a file, queue and publish it, and commit, as the views do."""
    change_set = services.start_import(db.session, election(db), name, content, None, **options)
    assert not [p for p in change_set.problems if p["blocking"]], change_set.problems
    services.queue(db.session, change_set)
    services.publish(db.session, change_set, None)
    db.session.commit()
    return change_set


WIDE = [
    ["Timestamp", "Name", "District", "Party", "Incumbent", "Website",
     QUESTIONS[0]["text"], QUESTIONS[0]["text"] + " — explanation", "Diversion programs",
     "Email address"],
    ["7/20/2028 9:00", "Rosa Import", "al-circuit-6", "Independent", "no", "rosa.example.org",
     "Yes", "Because <script>alert(1)</script> money should not decide.", "Strongly agree",
     "rosa@example.org"],
    ["7/21/2028", "Sam Formula", "6th Judicial Circuit", "", "", "", "No", "=SUM(A1:A9)", "2", ""],
]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_wide_import_publishes_and_is_idempotent(db, client, kind):
    """A wide file adds candidates and answers; importing it again changes nothing."""
    content = csv_bytes(WIDE) if kind == "csv" else xlsx_bytes(WIDE)
    change_set = import_and_publish(db, f"answers.{kind}", content)
    assert change_set.file_shape == "wide"
    rosa = db.session.scalar(select(Candidate).where(Candidate.name == "Rosa Import"))
    assert rosa.party == "Independent" and rosa.website == "https://rosa.example.org"
    assert rosa.response_status.value == "responded"
    by_position = {a.question.position: a for a in rosa.answers}
    assert by_position[1].choice == "Yes" and "<script>" in by_position[1].explanation
    assert by_position[1].received_on == dt.date(2028, 7, 20)
    assert by_position[2].choice == "5"
    sam = db.session.scalar(select(Candidate).where(Candidate.name == "Sam Formula"))
    assert {a.question.position: a for a in sam.answers}[1].explanation == "=SUM(A1:A9)"
    page = client.get(f"/candidates/{rosa.slug}").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    again = services.start_import(db.session, election(db), "again", content, None)
    assert again.changes == [] and "4 answers unchanged" in again.summary


def test_long_import(db):
    """A long file: one row per candidate and question, matched by number, topic or text."""
    rows = [["Candidate", "District", "Question", "Answer", "Explanation"],
            ["Lee Long", "al-circuit-6", "1", "yes", "First."],
            ["Lee Long", "al-circuit-6", "Diversion programs", "4", ""],
            ["Lee Long", "al-circuit-6", QUESTIONS[2]["text"], "No", "Third."]]
    change_set = import_and_publish(db, "long.csv", csv_bytes(rows))
    assert change_set.file_shape == "long"
    lee = db.session.scalar(select(Candidate).where(Candidate.name == "Lee Long"))
    assert sorted((a.question.position, a.choice) for a in lee.answers) == [
        (1, "Yes"), (2, "4"), (3, "No")]


def test_changed_answers_show_before_and_after(db):
    """Changing an existing candidate's answer is one change with before and after."""
    race, person = answered()
    answer = person["answers"][0]
    question = next(q for q in QUESTIONS if q["position"] == answer["question"])
    new_words = "Changed my mind after reading the data."
    rows = [["name", "district", "question", "answer", "explanation"],
            [person["name"], race["district"], str(question["position"]),
             answer.get("choice") or "", new_words]]
    change_set = services.start_import(db.session, election(db), "fix.csv", csv_bytes(rows), None)
    [change] = change_set.changes
    assert change["before"] == {"explanation": answer["explanation"]}
    assert change["after"] == {"explanation": new_words}


def test_nothing_the_file_leaves_out_is_deleted_unless_asked(db):
    """Blank cells keep published answers; the explicit option deletes them."""
    race, person = answered()
    position = person["answers"][0]["question"]
    rows = [["name", "district", next(q["topic"] for q in QUESTIONS if q["position"] == position)],
            [person["name"], race["district"], ""]]
    kept = services.start_import(db.session, election(db), "a.csv", csv_bytes(rows), None)
    assert kept.changes == []
    deleting = services.start_import(db.session, election(db), "a.csv", csv_bytes(rows), None,
                                     delete_missing=True)
    assert [c["after"] for c in deleting.changes] == [None]


BAD_FILES = {
    "unknown district": ([["name", "district", "Money bail"], ["A", "al-circuit-99", "Yes"]],
                         2, "B (district)", "not a district"),
    "duplicate candidate": ([["name", "district", "Money bail"], ["A", "al-circuit-6", "Yes"],
                             ["a ", "al-circuit-6", "No"]], 3, None, "also in row 2"),
    "missing name column": ([["district", "Money bail"], ["al-circuit-6", "Yes"]],
                            1, None, "no “name” column"),
    "new candidate without a district": ([["name", "Money bail"], ["A", "Yes"]], 2, None,
                                         "no district for a new candidate"),
    "unknown question (long)": ([["name", "district", "question", "answer"],
                                 ["A", "al-circuit-6", "Favourite food", "Yes"]],
                                2, "C (question)", "not a question"),
    "repeated answer (long)": ([["name", "district", "question", "answer"],
                                ["A", "al-circuit-6", "1", "Yes"],
                                ["A", "al-circuit-6", "1", "No"]], 3, "C (question)",
                               "already answered"),
    "bad website": ([["name", "district", "website", "Money bail"],
                     ["A", "al-circuit-6", "=HYPERLINK(\"x\")", "Yes"]], 2, "C (website)",
                    "not a web address"),
    "duplicate header": ([["name", "district", "Money bail", "money bail"],
                          ["A", "al-circuit-6", "Yes", "No"]], 1, "D (money bail)",
                         "More than one column"),
}


@pytest.mark.parametrize("case", list(BAD_FILES), ids=list(BAD_FILES))
def test_bad_rows_are_named_and_block_the_import(db, case):
    """Each problem names its row and column; nothing can be applied; nothing changes."""
    rows, row, column, message = BAD_FILES[case]
    before = snapshot(db)
    change_set = services.start_import(db.session, election(db), "bad.csv", csv_bytes(rows), None)
    blocking = [p for p in change_set.problems if p["blocking"]]
    assert any(p["row"] == row and p["column"] == column and message in p["message"]
               for p in blocking), blocking
    with pytest.raises(services.StaffActionRefused):
        services.queue(db.session, change_set)
    db.session.commit()
    assert snapshot(db) == before


def test_unknown_columns_with_answers_block_until_paired_or_ignored(db):
    """A column the guide cannot place is never dropped without a word: while it holds
    something it blocks the import, until staff pair it or choose to ignore it."""
    rows = [["name", "district", "Money bail", "Shoe size"], ["A", "al-circuit-6", "Yes", "9"]]
    change_set = services.start_import(db.session, election(db), "x.csv", csv_bytes(rows), None)
    [note] = [p for p in change_set.problems if p["column"] == "D (Shoe size)"]
    assert note["blocking"] and "Pair it" in note["message"]
    services.pair_columns(db.session, change_set, {"Shoe size": "ignore"})
    services.recheck(db.session, change_set)
    assert not [p for p in change_set.problems if p["blocking"]]
    shoe = change_set.reading["columns"][3]
    assert (shoe["target"], shoe["how"]) == ("ignore", "paired by staff")


def test_column_pairing_is_remembered(db):
    """A header paired with a question once is matched by every later import."""
    rows = [["name", "district", "Q1: cash bail?"], ["A", "al-circuit-6", "Yes"]]
    first = services.start_import(db.session, election(db), "x.csv", csv_bytes(rows), None)
    assert not any(c["entity"] == "answer" for c in first.changes)
    question_id = next(q.id for q in election(db).races[0].questionnaire.questions
                       if q.position == 1)
    services.pair_columns(db.session, first, {"Q1: cash bail?": question_id})
    db.session.commit()
    second = services.start_import(db.session, election(db), "x.csv", csv_bytes(rows), None)
    assert [c["key"][1] for c in second.changes if c["entity"] == "answer"] == [question_id]


def test_cli_import_and_refusals(runner, db, tmp_path):
    """The flask command imports, publishes with --publish, and refuses bad files clearly."""
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes(WIDE))
    result = runner.invoke(args=["staff", "import-answers", str(good), "--election", SLUG,
                                 "--publish"])
    assert result.exit_code == 0, result.output
    assert "published" in result.output
    assert db.session.scalar(select(func.count()).select_from(Candidate)
                             .where(Candidate.name == "Rosa Import")) == 1
    again = runner.invoke(args=["staff", "import-answers", str(good), "--election", SLUG])
    assert again.exit_code == 0 and "Nothing to change" in again.output
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes(BAD_FILES["bad website"][0]))
    result = runner.invoke(args=["staff", "import-answers", str(bad), "--election", SLUG])
    assert result.exit_code != 0 and "row 2, column C (website)" in result.output
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    result = runner.invoke(args=["staff", "import-answers", str(empty), "--election", SLUG])
    assert result.exit_code != 0 and "empty" in result.output
