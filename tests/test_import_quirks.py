"""Every quirk of the files survey tools and spreadsheets really export, one case each, and
the questions the preview asks (near names, date order) before anything can be applied."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile

import pytest
from sqlalchemy import func, select

from voterguide.models import Candidate, CandidateContact, ChangeSet, Election
from voterguide.staff import services
from voterguide.staff.district_names import DistrictNames
from voterguide.staff.reading import FileRefused, read_sheet

from .support import DATA_DIR, REPO

QUESTIONS = {q["position"]: q for q in json.loads((DATA_DIR / "al" / "demo-election.json")
                                                  .read_text(encoding="utf-8"))
             ["questionnaire"]["questions"]}
EXPORTS = REPO / "tests" / "data" / "survey-exports"
SLUG = "al-2028-general-sample"
Q1, Q2, Q10 = QUESTIONS[1]["text"], QUESTIONS[2]["text"], QUESTIONS[10]["text"]


def csv_bytes(rows: list[list[str]], delimiter: str = ",") -> bytes:
    """Rows as CSV bytes."""
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return out.getvalue().encode("utf-8")


def election(db) -> Election:
    """The seeded sample election."""
    return db.session.scalar(select(Election).where(Election.slug == SLUG))


def check(db, rows_or_bytes, name: str = "answers.csv") -> ChangeSet:
    """Import a file as a preview."""
    content = rows_or_bytes if isinstance(rows_or_bytes, bytes) else csv_bytes(rows_or_bytes)
    return services.start_import(db.session, election(db), name, content, None)


def blocking(change_set: ChangeSet) -> list[dict]:
    """The problems that stop an import."""
    return [p for p in change_set.problems if p["blocking"]]


def answers_of(change_set: ChangeSet, slug: str) -> dict[int, dict]:
    """The answers a change set writes for a candidate, by question position."""
    positions = {}
    for change in change_set.changes:
        if change["entity"] == "answer" and change["key"][0] == slug:
            position = int(change["label"].split("question ")[1].split(" ")[0])
            positions[position] = change["after"]
    return positions


def new_candidates(change_set: ChangeSet) -> list[str]:
    """The labels of the candidates a change set would create."""
    return [c["label"] for c in change_set.changes
            if c["entity"] == "candidate" and c["before"] is None]


# --- SurveyMonkey ------------------------------------------------------------------------------

def test_surveymonkey_second_header_row_is_not_a_candidate(db):
    """Row 2 ("Response", "Open-Ended Response") is read as headers, not as a candidate."""
    change_set = check(db, (EXPORTS / "surveymonkey.csv").read_bytes())
    assert not blocking(change_set) and not new_candidates(change_set)
    assert change_set.reading["header_rows"] == [1, 2]
    assert not any("“Response”" in p["message"] and p["blocking"] for p in change_set.problems)


def test_surveymonkey_comment_columns_under_a_blank_header_are_explanations(db):
    """A comment box's column has a blank top header: its text is the answer's explanation."""
    rows = [["Respondent ID", "What is your full name?", Q1, "", Q10],
            ["", "Open-Ended Response", "Response", "Other (please specify)",
             "Open-Ended Response"],
            ["1", "Simone Pruitt", "Yes", "Because money should not decide.", "More data."]]
    change_set = check(db, rows)
    assert change_set.reading["tool"] == "surveymonkey"
    answers = answers_of(change_set, "al-circuit-6-simone-pruitt")
    assert answers[1]["choice"] == "Yes"
    assert answers[1]["explanation"] == "Because money should not decide."
    assert answers[10]["explanation"] == "More data."


# --- Microsoft Forms ---------------------------------------------------------------------------

def test_microsoft_forms_account_name_is_not_the_candidate(db):
    """Forms' own Name/Email columns ("anonymous") are ignored; "Full name" is the candidate."""
    rows = [["ID", "Start time", "Completion time", "Email", "Name", "Full name", Q1],
            ["1", "7/27/28 19:06:23", "7/27/28 19:17:10", "anonymous", "anonymous",
             "Simone Pruitt", "Yes"]]
    change_set = check(db, rows)
    assert not blocking(change_set) and not new_candidates(change_set)
    assert change_set.reading["tool_name"] == "Microsoft Forms"
    assert answers_of(change_set, "al-circuit-6-simone-pruitt")[1]["received_on"] == \
        "2028-07-27"
    assert "anonymous" not in json.dumps(change_set.changes)


# --- Qualtrics ---------------------------------------------------------------------------------

def qualtrics(rows: list[list[str]], tags=("Q7", "Q3")) -> list[list[str]]:
    """A Qualtrics CSV: tags, question text, import ids, then the rows."""
    return [["StartDate", "EndDate", "Status", "Finished", "RecordedDate", "ResponseId",
             "Q1", *tags],
            ["Start Date", "End Date", "Response Type", "Finished", "Recorded Date",
             "Response ID", "What is your full name?", Q2, Q1],
            ['{"ImportId":"startDate"}', '{"ImportId":"endDate"}', '{"ImportId":"status"}',
             '{"ImportId":"finished"}', '{"ImportId":"recordedDate"}',
             '{"ImportId":"_recordId"}', '{"ImportId":"QID1_TEXT"}', '{"ImportId":"QID7"}',
             '{"ImportId":"QID3"}'], *rows]


def test_qualtrics_header_rows_status_and_tags(db):
    """Three header rows are headers; Status is a response type, not the questionnaire status;
    tags Q7 and Q3 are matched by their text, never by their number."""
    change_set = check(db, qualtrics([
        ["2028-07-20 10:00:00", "2028-07-20 10:05:00", "0", "1", "2028-07-20 10:05:00",
         "R_abc", "Simone Pruitt", "Agree", "No"]]))
    assert not blocking(change_set) and not new_candidates(change_set)
    answers = answers_of(change_set, "al-circuit-6-simone-pruitt")
    assert answers[2]["choice"] == "4" and answers[1]["choice"] == "No"
    assert 3 not in answers and 7 not in answers
    assert answers[1]["received_on"] == "2028-07-20"
    status = [c for c in change_set.changes if c["entity"] == "candidate"]
    assert status[0]["after"] == {"response_status": "responded"}


def test_qualtrics_preview_responses_are_skipped_with_a_note(db):
    """A survey preview (Status 1) is not a candidate: skipped, and said so."""
    change_set = check(db, qualtrics([
        ["2028-07-01 10:00:00", "", "1", "1", "2028-07-01 10:05:00", "R_p", "Preview Person",
         "Agree", "Yes"]]))
    assert not new_candidates(change_set)
    assert any("survey preview" in p["message"] and p["row"] == 4 for p in
               change_set.problems)


def test_qualtrics_numeric_values_are_refused_naming_the_cause(db):
    """Downloaded with "Use numeric values", yes/no reads 1/2: refused, saying how to fix it."""
    change_set = check(db, qualtrics([
        ["2028-07-20 10:00:00", "", "0", "1", "2028-07-20 10:05:00", "R_a", "Simone Pruitt",
         "4", "2"]]))
    assert any("Use choice text" in p["message"] for p in blocking(change_set))


# --- Typeform ----------------------------------------------------------------------------------

def test_typeform_yes_no_as_one_and_zero_and_hidden_fields(db):
    """Typeform's 1/0 are Yes/No; hidden fields and its own columns are ignored."""
    rows = [["#", "What's your name?", Q1, "district", "campaign", "Response Type",
             "Start Date (UTC)", "Stage Date (UTC)", "Submit Date (UTC)", "Network ID",
             "Tags"],
            ["tok1", "Simone Pruitt", "0", "al-circuit-6", "spring", "completed",
             "2028-07-15 10:00:00", "", "2028-07-15 10:04:00", "ab12", ""]]
    change_set = check(db, rows)
    assert not blocking(change_set)
    columns = {c["label"]: c for c in change_set.reading["columns"]}
    assert columns["district"]["target"] == "district"  # a hidden field naming a detail
    assert columns["campaign"]["target"] == "ignore"
    assert {columns[n]["target"] for n in ("#", "Tags", "Network ID")} == {"ignore"}
    answer = answers_of(change_set, "al-circuit-6-simone-pruitt")[1]
    assert (answer["choice"], answer["received_on"]) == ("No", "2028-07-15")


# --- Google Forms ------------------------------------------------------------------------------

def test_google_forms_titles_grids_and_repeated_follow_ups(db):
    """Titles as staff write them, a grid row per question, "Please explain your answer"
    twice, each explanation on its own question."""
    rows = [["Timestamp", "What is your full name?",
             "Which judicial circuit are you running in?", f"1. {Q1}",
             "Please explain your answer", "Where do you stand? [Diversion programs]",
             "Please explain your answer"],
            ["7/20/2028 9:00:00", "Simone Pruitt", "6th Judicial Circuit", "Yes", "First.",
             "Agree", "Second."]]
    change_set = check(db, rows)
    assert not blocking(change_set)
    answers = answers_of(change_set, "al-circuit-6-simone-pruitt")
    assert (answers[1]["choice"], answers[1]["explanation"]) == ("Yes", "First.")
    assert (answers[2]["choice"], answers[2]["explanation"]) == ("4", "Second.")


def test_every_column_can_be_paired_with_a_detail_and_the_pairing_is_per_tool(db):
    """A name question titled oddly is paired with the name once; the same tool's next file
    is read the same way, a different tool's file is not."""
    rows = [["Timestamp", "Nombre completo", Q1], ["7/20/2028 9:00", "Simone Pruitt", "Yes"]]
    first = check(db, rows)
    assert any("no “name” column" in p["message"] for p in blocking(first))
    services.pair_columns(db.session, first, {"Nombre completo": "name"})
    services.recheck(db.session, first)
    assert not blocking(first)
    db.session.commit()
    assert not blocking(check(db, rows))
    other_tool = [["Candidate ID", "Nombre completo", Q1], ["1", "Simone Pruitt", "Yes"]]
    assert any("no “name” column" in p["message"] for p in blocking(check(db, other_tool)))


# --- Excel by hand -----------------------------------------------------------------------------

def test_excel_title_row_formula_values_and_a_wrong_dimension(db):
    """A merged title row is skipped with a note, a formula gives its saved value, and a
    sheet whose <dimension> says A1 is read whole."""
    content = (EXPORTS / "excel-by-hand.xlsx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert '<dimension ref="A1"/>' in sheet and "<f>" in sheet  # the quirks are really there
    change_set = check(db, content, "sheet.xlsx")
    assert not blocking(change_set)
    assert change_set.reading["header_rows"] == [3]
    assert any(p["message"].startswith("Row 1 (“2028 DA questionnaire") for p in
               change_set.problems)
    assert len(answers_of(change_set, "al-circuit-13-andres-pettway")) == 10


def test_a_formula_whose_value_was_never_saved_is_refused(db):
    """A workbook written by a program that did not calculate its formulas names the cell."""
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.append(["First", "Last", "Name", "District", "Money bail"])
    workbook.active.append(["Simone", "Pruitt", '=A2&" "&B2', "al-circuit-6", "Yes"])
    out = io.BytesIO()
    workbook.save(out)
    with pytest.raises(FileRefused, match=r"Cell C2 holds a formula .* never saved"):
        read_sheet("sheet.xlsx", out.getvalue())


@pytest.mark.parametrize("file_name", ["excel-unicode-text.txt", "excel-semicolon.csv"])
def test_text_exports_with_a_line_break_in_the_last_column(db, file_name):
    """UTF-16 tab-separated and semicolon CSVs read right, the last column's line break kept."""
    sheet = read_sheet(file_name, (EXPORTS / file_name).read_bytes())
    widths = {len(r) for _, r in sheet.rows if any(r)}
    assert len(widths) == 1 and widths.pop() > 20
    assert any("\n" in r[-1] for _, r in sheet.rows)


def test_day_month_dates_of_a_european_file(db):
    """03/07/2028 in a file that also has 15/07/2028 is 3 July."""
    change_set = check(db, (EXPORTS / "excel-semicolon.csv").read_bytes(), "eu.csv")
    assert answers_of(change_set, "al-circuit-6-simone-pruitt")[1]["received_on"] == \
        "2028-07-03"
    assert any("day/month/year" in p["message"] for p in change_set.problems)


def test_ambiguous_dates_are_asked_then_read_as_answered(db):
    """When every date reads both ways, the preview asks; the answer settles every date."""
    rows = [["name", "district", "received", "Money bail"],
            ["Simone Pruitt", "al-circuit-6", "07/08/2028", "Yes"],
            ["Andrés Pettway", "al-circuit-13", "08/07/2028", "No"]]
    change_set = check(db, rows)
    [ask] = change_set.reading["asks"]
    assert ask["kind"] == "dates" and blocking(change_set)
    with pytest.raises(services.StaffActionRefused):
        services.queue(db.session, change_set)
    services.decide(db.session, change_set, {}, "dmy")
    services.recheck(db.session, change_set)
    assert not blocking(change_set)
    assert answers_of(change_set, "al-circuit-6-simone-pruitt")[1]["received_on"] == \
        "2028-08-07"


def test_dates_outside_the_questionnaire_window_settle_the_order(db):
    """07/05/2028 cannot be 7 May when the questionnaire went out on 1 June: it is 5 July."""
    rows = [["name", "district", "received", "Money bail"],
            ["Simone Pruitt", "al-circuit-6", "07/05/2028", "Yes"]]
    change_set = check(db, rows)
    assert not change_set.reading["asks"]
    assert answers_of(change_set, "al-circuit-6-simone-pruitt")[1]["received_on"] == \
        "2028-07-05"


# --- districts ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("written", "expected"), [
    ("6th Circuit", ["al-circuit-6"]), ("Circuit 6", ["al-circuit-6"]),
    ("Sixth Judicial Circuit", ["al-circuit-6"]), ("6", ["al-circuit-6"]),
    ("Tuscaloosa County", ["al-circuit-6"]), ("tuscaloosa", ["al-circuit-6"]),
    ("al-circuit-6", ["al-circuit-6"]), ("21st Circuit", ["al-circuit-21"]),
    ("Twenty-first Judicial Circuit", ["al-circuit-21"]),
    ("Bessemer", ["al-circuit-10-bessemer"]),
    ("10th Circuit", ["al-circuit-10", "al-circuit-10-bessemer"]),
    ("Jefferson County", ["al-circuit-10", "al-circuit-10-bessemer"]),
    ("99th Circuit", []), ("Narnia", []), ("", []),
])
def test_districts_by_any_name(db, written, expected):
    """Slugs, names, "6th Circuit", ordinals in words, counties in one district (or several)."""
    places = DistrictNames(db.session, "AL")
    assert sorted(d.slug for d in places.find(written).districts) == expected


def test_a_county_in_two_districts_is_settled_by_the_candidate(db):
    """"Jefferson County" could be either Jefferson office; the name says which."""
    rows = [["name", "district", "Money bail"], ["Joanna Sizemore", "Jefferson County", "Yes"]]
    change_set = check(db, rows)
    assert not blocking(change_set) and not new_candidates(change_set)
    assert answers_of(change_set, "al-circuit-10-bessemer-joanna-sizemore")


def test_an_unknown_district_names_the_cell(db):
    """A district nobody can place is refused with the row, column and value."""
    change_set = check(db, [["name", "district", "Money bail"], ["A", "Narnia", "Yes"]])
    [problem] = blocking(change_set)
    assert (problem["row"], problem["column"]) == (2, "B (district)")
    assert "Narnia" in problem["message"]


# --- names -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("written", "district", "slug"), [
    ("Andres Pettway", "13th Judicial Circuit", "al-circuit-13-andres-pettway"),
    ("Pruitt, Simone", "al-circuit-6", "al-circuit-6-simone-pruitt"),
    ("Shawn Strickland", "3rd Circuit", "al-circuit-3-shawn-r-strickland"),
    ("Wes Spradlin", "9th Judicial Circuit", "al-circuit-9-wesley-c-spradlin"),
    ("ANDRES PETTWAY", "", "al-circuit-13-andres-pettway"),
])
def test_near_names_are_asked_never_silently_duplicated(db, written, district, slug):
    """Accents, "Last, First", a missing initial, a nickname: the preview asks "Is this …?";
    until answered nothing can be applied; "yes" puts the answers on that candidate."""
    rows = [["name", "district", "Money bail"], [written, district, "Yes"]]
    change_set = check(db, rows)
    [ask] = change_set.reading["asks"]
    known = db.session.scalar(select(Candidate).where(Candidate.slug == slug))
    assert ask["question"].endswith(f"Is this {known.name} ({known.race.district.name})?")
    assert slug in {c["value"] for c in ask["choices"]}
    assert blocking(change_set) and not new_candidates(change_set)
    with pytest.raises(services.StaffActionRefused):
        services.queue(db.session, change_set)
    services.decide(db.session, change_set, {ask["key"]: slug})
    services.recheck(db.session, change_set)
    assert not blocking(change_set) and not new_candidates(change_set)
    assert answers_of(change_set, slug) or "1 answer unchanged" in change_set.summary


def test_a_near_name_can_be_a_new_candidate_and_is_listed_as_new(db):
    """Answering "no" to "Is this Simone Pruitt?" adds a new candidate, listed as new."""
    rows = [["name", "district", "Money bail"], ["Simon Pruitt", "al-circuit-6", "Yes"]]
    change_set = check(db, rows)
    [ask] = change_set.reading["asks"]
    services.decide(db.session, change_set, {ask["key"]: "new"})
    services.recheck(db.session, change_set)
    assert new_candidates(change_set) == ["Simon Pruitt (6th Judicial Circuit) (new)"]


def test_the_same_person_twice_in_a_file_is_named(db):
    """Two submissions of one candidate are reported with both rows, never merged silently."""
    rows = [["name", "district", "Money bail"], ["Simone Pruitt", "al-circuit-6", "Yes"],
            ["Simone Pruitt", "6th Circuit", "No"]]
    assert any("also in row 2" in p["message"] for p in blocking(check(db, rows)))


def test_a_new_candidate_is_listed_as_new_with_a_readable_address(db):
    """A name nobody in the guide is close to is new; its page address keeps base letters."""
    rows = [["name", "district", "Money bail"], ["Inés Muñoz Peña", "al-circuit-6", "Yes"]]
    change_set = check(db, rows)
    assert not change_set.reading["asks"]
    [new] = [c for c in change_set.changes if c["entity"] == "candidate"]
    assert new["before"] is None and new["key"] == "al-circuit-6-ines-munoz-pena"
    assert new_candidates(change_set) == ["Inés Muñoz Peña (6th Judicial Circuit) (new)"]


def test_names_settle_the_district_when_the_file_has_none(db):
    """A form that never asked the district still lands on the right candidates."""
    rows = [["What is your full name?", Q1], ["Andrés Pettway", "Yes"]]
    change_set = check(db, rows)
    assert not blocking(change_set)
    assert answers_of(change_set, "al-circuit-13-andres-pettway")[1]["choice"] == "Yes"


# --- header rows -------------------------------------------------------------------------------

def test_header_rows_are_found_not_assumed(db):
    """Blank rows and a title above the headers, and a row of hints under them, are skipped
    with a note; the candidate row is read."""
    rows = [[], ["Answers to the 2028 questionnaire"], [], ["Name", "District", "Money bail"],
            ["", "", "(yes or no)"], ["Simone Pruitt", "al-circuit-6", "Yes"]]
    change_set = check(db, rows)
    assert not blocking(change_set)
    assert change_set.reading["header_rows"] == [4]
    messages = " ".join(p["message"] for p in change_set.problems)
    assert "Row 2 (“Answers to the 2028 questionnaire”)" in messages
    assert "second header row" in messages
    assert answers_of(change_set, "al-circuit-6-simone-pruitt")[1]["choice"] == "Yes"


@pytest.mark.parametrize("header", [
    f"Q1. {Q1}", f"1) {Q1}", f"{Q1} (optional)", f"{Q1}*", Q1.rstrip("?"), f"* {Q1}",
    f"{Q1} Please answer yes or no.", Q1[:60], "Money bail (Q1)", "MONEY BAIL",
])
def test_question_titles_as_people_write_them(db, header):
    """Numbering, "(optional)", "*", no "?", instructions, cut short, the topic: all match."""
    change_set = check(db, [["name", "district", header], ["Simone Pruitt", "al-circuit-6",
                                                          "Yes"]])
    assert not blocking(change_set), change_set.problems
    assert answers_of(change_set, "al-circuit-6-simone-pruitt")[1]["choice"] == "Yes"


# --- questionnaire status and email ------------------------------------------------------------

def test_a_status_that_contradicts_the_answers_is_refused(db):
    """"Did not respond" beside answers would show "Did not respond" above them: refused."""
    rows = [["name", "district", "status", "Money bail"],
            ["Simone Pruitt", "al-circuit-6", "no response", "Yes"]]
    assert any("did not respond" in p["message"] for p in blocking(check(db, rows)))


def test_email_is_kept_for_staff_and_never_shown_to_voters(db, client):
    """An email from the file goes to the staff-only table; no public page, the API or the
    open data shows it."""
    secret = "pruitt.only-for-staff@example.org"
    rows = [["Timestamp", "Email Address", "What is your full name?", Q1],
            ["7/20/2028 9:00", secret, "Simone Pruitt", "Yes"]]
    change_set = check(db, rows)
    services.queue(db.session, change_set)
    services.publish(db.session, change_set, None)
    db.session.commit()
    candidate = db.session.scalar(select(Candidate).where(Candidate.slug ==
                                                          "al-circuit-6-simone-pruitt"))
    assert db.session.get(CandidateContact, candidate.id).email == secret
    for url in ("/districts/al-circuit-6", f"/candidates/{candidate.slug}",
                "/api/v1/districts/al-circuit-6", "/data/guide.csv", "/data/guide.json",
                "/districts/al-circuit-6/flyer", "/embed/al-circuit-6"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert secret not in response.get_data(as_text=True), url
    undo = services.rollback(db.session, change_set, None)
    db.session.commit()
    assert undo.status.value == "published"
    assert db.session.get(CandidateContact, candidate.id) is None


# --- the command line --------------------------------------------------------------------------

def test_the_cli_checks_without_saving_unless_asked(runner, db, tmp_path):
    """Without --draft or --publish the command only checks; --draft keeps a draft;
    --publish publishes."""
    path = tmp_path / "google.csv"
    path.write_bytes((EXPORTS / "google-forms.csv").read_bytes())
    checked = runner.invoke(args=["staff", "import-answers", str(path), "--election", SLUG])
    assert checked.exit_code == 0, checked.output
    assert "Google Forms" in checked.output and "nothing was saved" in checked.output.lower()
    assert db.session.scalar(select(func.count()).select_from(ChangeSet).where(
        ChangeSet.kind != "sample")) == 0
    drafted = runner.invoke(args=["staff", "import-answers", str(path), "--election", SLUG,
                                  "--draft"])
    assert drafted.exit_code == 0, drafted.output
    assert db.session.scalar(select(ChangeSet.status).where(
        ChangeSet.kind == "import")).value == "draft"
    published = runner.invoke(args=["staff", "import-answers", str(path), "--election", SLUG,
                                    "--publish"])
    assert published.exit_code == 0 and "published" in published.output
    candidate = db.session.scalar(select(Candidate).where(Candidate.slug ==
                                                          "al-circuit-1-jamal-dunaway"))
    assert candidate.response_status.value == "responded"
    assert {a.received_on for a in candidate.answers} == {dt.date(2028, 8, 2)}
