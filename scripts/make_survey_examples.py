#!/usr/bin/env python3
"""Write tests/data/survey-exports/: small example exports of the sample questionnaire, one per
survey tool, laid out the way each tool really writes its download. The importer's tests read
them, and the README's "Importing survey answers" section describes them.

Three candidates of the fictional sample election (Simone Pruitt, 6th Judicial Circuit;
Andrés Pettway, 13th; Jamal Dunaway, 1st) answer all ten questions. Every answer is invented
sample data. The files are built with the standard library only, with fixed timestamps inside
the workbooks, so re-running the script rewrites them byte for byte:

    python scripts/make_survey_examples.py

What each layout is based on (public documentation and public code that reads these files):

- SurveyMonkey, "All individual responses" (expanded): metadata columns Respondent ID,
  Collector ID, Start Date, End Date, IP Address, Email Address, First Name, Last Name,
  Custom Data 1; the question text in row 1 with a blank header over a question's further
  columns; row 2 "Response" (one choice), "Open-Ended Response" (text), an option's label,
  or the comment box's label such as "Other (please specify)". As read by expectedparrot/edsl
  (edsl/conjure/survey_monkey/import_survey_monkey.py and data_classes.py) and by public
  importers of the "All Responses Data" sheet; dates as SurveyMonkey writes them,
  mm/dd/yyyy hh:mm:ss AM/PM.
- Microsoft Forms, "Open in Excel": ID, Start time, Completion time, Email, Name (the
  account that filled in the form: "anonymous" for people outside the organisation),
  optionally Last modified time, then one column per question, a repeated title repeated
  as it is. As in the headers quoted by public code reading Forms downloads
  (acl-org/acl-anthology bin/add_attachments.py: "ID,Start time,Completion time,Email,Name,…",
  and importers of Forms quizzes with "Total points", "Points - …").
- Qualtrics, "Download data as CSV": row 1 export tags (StartDate, EndDate, Status,
  IPAddress, Progress, Duration (in seconds), Finished, RecordedDate, ResponseId,
  RecipientLastName, RecipientFirstName, RecipientEmail, ExternalReference,
  LocationLatitude, LocationLongitude, DistributionChannel, UserLanguage, Q1, Q2, Q3_4_TEXT…),
  row 2 the question text ("… - Selected Choice", "… - Other - Text"), row 3
  {"ImportId":"QID1"}; Status is the response type (0 a response, 1 a survey preview).
  As in ropensci/qualtRics tests/testthat/files/sample.csv and R/read_survey.R, and
  expectedparrot/edsl edsl/conjure/qualtrics/csv_reader.py and metadata_builder.py. The
  export tags are deliberately numbered in Qualtrics' own order, not the guide's.
- Typeform, "Download responses" (CSV): "#" (the response token), the questions by title,
  hidden fields by their identifier, Response Type, Start Date (UTC), Stage Date (UTC),
  Submit Date (UTC), Network ID, Tags; yes/no answers written 1 and 0. As in Typeform
  downloads read by public notebooks (the OSMI "mental health in tech" survey files:
  "#", "Start Date (UTC)", "Submit Date (UTC)", "Network ID") and newer exports with
  "Response Type" and "Stage Date (UTC)".
- Google Forms, "Download responses (.csv)": Timestamp (m/d/yyyy h:mm:ss in a US form),
  Email Address (when collected), then one column per question titled as staff titled it,
  grids as "Title [Row]", repeated titles kept.
- Excel by hand: a merged title row above the headers, given name and surname with the
  name built by a formula (=A4&" "&B4, its value saved as Excel saves it), a received date
  as an Excel date, and <dimension ref="A1"/> as WPS Office and some libraries write it.
- Excel's "Unicode Text" (UTF-16 with a byte order mark, tab-separated, CRLF) and
  "CSV (semicolon delimited)" as European Excel saves it (dates day/month/year), both with
  a line break inside the last column.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

REPO = Path(__file__).resolve().parent.parent
OUTPUT = REPO / "tests" / "data" / "survey-exports"
QUESTIONS = {q["position"]: q for q in json.loads(
    (REPO / "data" / "al" / "demo-election.json").read_text(encoding="utf-8"))
    ["questionnaire"]["questions"]}
#: Fixed inside every workbook, so that the files are the same on every run.
ZIP_TIME = (2028, 8, 20, 12, 0, 0)

YES_NO = {1, 3, 4, 6, 8}
SCALE = {2, 5, 7}
TEXT = {9, 10}
LIKERT = {1: "Strongly disagree", 2: "Disagree", 3: "Neither agree nor disagree", 4: "Agree",
          5: "Strongly agree"}

#: The candidates: name, district as each file writes it, submitted when, answers.
CANDIDATES = [
    {"name": "Simone Pruitt", "first": "Simone", "last": "Pruitt",
     "district": "6th Judicial Circuit", "short": "6th Circuit", "county": "Tuscaloosa County",
     "submitted": dt.datetime(2028, 7, 3, 9, 14, 5), "email": "pruitt.sample@example.org",
     "answers": {
         1: ("Yes", "Nobody should sit in jail for weeks because they cannot pay."),
         2: (5, "Diversion works, and it costs far less than a trial."),
         3: ("Yes", "Our prosecutors' time belongs on violent crime."),
         4: ("No", "I would not seek it in any case."),
         5: (2, "A record should count, but each case on its own facts."),
         6: ("Yes", "Victims deserve a say before any plea."),
         7: (4, "People held in jail should not wait months for trial."),
         8: ("No", "The facts of each shooting should decide."),
         9: (None, "We would weigh immigration consequences in every plea offer, in writing."),
         10: (None, "Open the office's data to the public.\nThen meet every neighborhood "
                    "twice a year."),
     }},
    {"name": "Andrés Pettway", "first": "Andrés", "last": "Pettway",
     "district": "13th Judicial Circuit", "short": "13th Circuit", "county": "Mobile County",
     "submitted": dt.datetime(2028, 7, 15, 16, 40, 22), "email": "pettway.sample@example.org",
     "answers": {
         1: ("Yes", "Pretrial release should depend on risk, not money."),
         2: (4, "For most first offenses, yes."),
         3: ("No", "Possession cases will be handled case by case."),
         4: ("Yes", "Only for the most serious murders."),
         5: (3, "It depends on the earlier offenses."),
         6: ("Yes", "A call to the victim before every plea."),
         7: (4, "Firm deadlines for every felony file."),
         8: ("Yes", "Shootings deserve the longest sentence."),
         9: (None, "Every plea offer to a non-citizen would say what it means for their "
                   "immigration status."),
         10: (None, "Hire more victim advocates."),
     }},
    {"name": "Jamal Dunaway", "first": "Jamal", "last": "Dunaway",
     "district": "1st Judicial Circuit", "short": "1st Circuit", "county": "Choctaw County",
     "submitted": dt.datetime(2028, 8, 2, 11, 5, 47), "email": "dunaway.sample@example.org",
     "answers": {
         1: ("No", "Judges need money bail as one tool among others."),
         2: (2, "Diversion should be earned, not automatic."),
         3: ("No", "The law is the law until the legislature changes it."),
         4: ("Yes", "For the worst crimes, juries should have the choice."),
         5: (5, "Repeat violent offenders must be kept off the streets."),
         6: ("Yes", "Victims come first in my office."),
         7: (3, "Complex cases need time to be done right."),
         8: ("Yes", "Gun violence must be met with firm sentences."),
         9: (None, "Immigration status should not change how a case is charged."),
         10: (None, "Clear the backlog of untried cases."),
     }},
]


def text(position: int) -> str:
    """The sample questionnaire's text of a question."""
    return QUESTIONS[position]["text"]


def choice_label(position: int, value) -> str:
    """An answer as the choice a form shows: Yes/No, or the agreement label."""
    return LIKERT[value] if position in SCALE else value


def us_stamp(when: dt.datetime, seconds: bool = True, am_pm: bool = False) -> str:
    """7/3/2028 9:14:05, or 07/03/2028 09:14:05 AM with am_pm."""
    if am_pm:
        return when.strftime("%m/%d/%Y %I:%M:%S %p")
    return f"{when.month}/{when.day}/{when.year} " + when.strftime(
        "%-H:%M:%S" if seconds else "%-H:%M")


# --- writers ----------------------------------------------------------------------------------

def csv_text(rows: list[list[str]], delimiter: str = ",") -> str:
    """Rows as CSV text with CRLF line ends, quoted as spreadsheets quote."""
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def excel_serial(when: dt.datetime | dt.date) -> float:
    """A date as Excel stores it: days since 1899-12-30."""
    if not isinstance(when, dt.datetime):
        when = dt.datetime(when.year, when.month, when.day)
    delta = when - dt.datetime(1899, 12, 30)
    return round(delta.days + delta.seconds / 86400, 8)


def column_name(index: int) -> str:
    """0 -> A, 26 -> AA."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def xlsx(rows: list[list[object]], *, sheet: str = "Sheet1", dimension: str | None = None,
         merged: str | None = None, formulas: dict[str, str] | None = None) -> bytes:
    """A minimal workbook as Excel writes one: shared strings, dates as serial numbers with
    a date style, formulas with their saved values. ``formulas`` maps a cell ("C4") to its
    formula text; that cell's value in ``rows`` is the value saved with it."""
    strings: list[str] = []
    index: dict[str, int] = {}
    formulas = formulas or {}

    def shared(value: str) -> int:
        if value not in index:
            index[value] = len(strings)
            strings.append(value)
        return index[value]

    body = []
    width = max(len(r) for r in rows)
    for r, row in enumerate(rows, start=1):
        cells = []
        for c, value in enumerate(row):
            ref = f"{column_name(c)}{r}"
            if value is None or value == "":
                continue
            if ref in formulas:
                cells.append(f'<c r="{ref}" t="str"><f>{escape(formulas[ref])}</f>'
                             f"<v>{escape(str(value))}</v></c>")
            elif isinstance(value, dt.datetime | dt.date):
                style = 2 if isinstance(value, dt.datetime) else 1
                cells.append(f'<c r="{ref}" s="{style}"><v>{excel_serial(value)}</v></c>')
            elif isinstance(value, int | float):
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
            else:
                cells.append(f'<c r="{ref}" t="s"><v>{shared(str(value))}</v></c>')
        body.append(f'<row r="{r}">{"".join(cells)}</row>')
    ref = dimension or f"A1:{column_name(width - 1)}{len(rows)}"
    merge = f'<mergeCells count="1"><mergeCell ref="{merged}"/></mergeCells>' if merged else ""
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.styles+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook {ns} {rel}>'
            f'<sheets><sheet name="{escape(sheet)}" sheetId="1" r:id="rId1"/></sheets>'
            '</workbook>'),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/styles" Target="styles.xml"/>'
            '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'),
        "xl/styles.xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet {ns}>'
            '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
            '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
            '<borders count="1"><border/></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0"/></cellStyleXfs>'
            '<cellXfs count="3"><xf numFmtId="0" xfId="0"/>'
            '<xf numFmtId="14" xfId="0" applyNumberFormat="1"/>'
            '<xf numFmtId="22" xfId="0" applyNumberFormat="1"/></cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
            '</cellStyles></styleSheet>'),
        "xl/worksheets/sheet1.xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet {ns} {rel}>'
            f'<dimension ref="{ref}"/><sheetData>{"".join(body)}</sheetData>{merge}'
            '</worksheet>'),
        "xl/sharedStrings.xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst {ns} '
            f'count="{len(strings)}" uniqueCount="{len(strings)}">'
            + "".join(f'<si><t xml:space="preserve">{escape(s)}</t></si>' for s in strings)
            + "</sst>"),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content.encode("utf-8"))
    return out.getvalue()


# --- the tools --------------------------------------------------------------------------------

def surveymonkey_rows() -> list[list[str]]:
    """SurveyMonkey's expanded "All individual responses": two header rows."""
    meta = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address",
            "Email Address", "First Name", "Last Name", "Custom Data 1"]
    top, sub = list(meta), [""] * len(meta)
    top += ["What is your full name?", "Which judicial circuit are you running in?"]
    sub += ["Open-Ended Response", "Response"]
    for position in range(1, 11):
        if position in TEXT:
            top.append(text(position))
            sub.append("Open-Ended Response")
        else:
            top += [text(position), ""]
            sub += ["Response", "Other (please specify)" if position % 2 else
                    "Please explain your answer"]
    rows = [top, sub]
    for number, person in enumerate(CANDIDATES):
        start = person["submitted"] - dt.timedelta(minutes=23)
        row = [str(114_720_330_001 + number), "431_998_201", us_stamp(start, am_pm=True),
               us_stamp(person["submitted"], am_pm=True), f"198.51.100.{20 + number}",
               "", "", "", "", person["name"], person["district"]]
        for position in range(1, 11):
            value, words = person["answers"][position]
            row += [words] if position in TEXT else [choice_label(position, value), words]
        rows.append(row)
    return rows


def microsoft_forms_rows() -> list[list[object]]:
    """Microsoft Forms' Excel download: the account's Email and Name, then the questions."""
    header = ["ID", "Start time", "Completion time", "Email", "Name", "Last modified time",
              "Full name", "Judicial circuit"]
    for position in range(1, 11):
        header.append(text(position))
        if position in YES_NO or position in SCALE:
            header.append("Please explain your answer")
    rows: list[list[object]] = [header]
    for number, person in enumerate(CANDIDATES, start=1):
        row: list[object] = [number, person["submitted"] - dt.timedelta(minutes=31),
                             person["submitted"], "anonymous", "", "", person["name"],
                             person["district"]]
        for position in range(1, 11):
            value, words = person["answers"][position]
            row += [words] if position in TEXT else [choice_label(position, value), words]
        rows.append(row)
    return rows


QUALTRICS_META = [("StartDate", "Start Date", "startDate"), ("EndDate", "End Date", "endDate"),
                  ("Status", "Response Type", "status"), ("IPAddress", "IP Address",
                                                          "ipAddress"),
                  ("Progress", "Progress", "progress"),
                  ("Duration (in seconds)", "Duration (in seconds)", "duration"),
                  ("Finished", "Finished", "finished"),
                  ("RecordedDate", "Recorded Date", "recordedDate"),
                  ("ResponseId", "Response ID", "_recordId"),
                  ("RecipientLastName", "Recipient Last Name", "recipientLastName"),
                  ("RecipientFirstName", "Recipient First Name", "recipientFirstName"),
                  ("RecipientEmail", "Recipient Email", "recipientEmail"),
                  ("ExternalReference", "External Data Reference", "externalDataReference"),
                  ("LocationLatitude", "Location Latitude", "locationLatitude"),
                  ("LocationLongitude", "Location Longitude", "locationLongitude"),
                  ("DistributionChannel", "Distribution Channel", "distributionChannel"),
                  ("UserLanguage", "User Language", "userLanguage")]
#: Qualtrics numbers questions in the order they were created: not the guide's order.
QUALTRICS_ORDER = [4, 1, 7, 2, 9, 3, 5, 10, 6, 8]


def qualtrics_rows() -> list[list[str]]:
    """Qualtrics' CSV download: export tags, question text, import ids, one row per response."""
    tags = [m[0] for m in QUALTRICS_META] + ["Q1", "Q2"]
    texts = [m[1] for m in QUALTRICS_META] + ["What is your full name?",
                                               "Which judicial circuit are you running in? - "
                                               "Selected Choice"]
    ids = [json.dumps({"ImportId": m[2]}, separators=(",", ":")) for m in QUALTRICS_META]
    ids += ['{"ImportId":"QID1_TEXT"}', '{"ImportId":"QID2"}']
    layout = []  # (position, kind) in column order
    for number, position in enumerate(QUALTRICS_ORDER, start=3):
        tag = f"Q{number}"
        if position in TEXT:
            tags.append(tag)
            texts.append(text(position))
            ids.append(f'{{"ImportId":"QID{number}_TEXT"}}')
            layout.append((position, "text"))
        elif position % 2:  # an "Other (please explain)" choice with a text box
            tags += [tag, f"{tag}_3_TEXT"]
            texts += [f"{text(position)} - Selected Choice",
                      f"{text(position)} - It depends (please explain) - Text"]
            ids += [f'{{"ImportId":"QID{number}"}}', f'{{"ImportId":"QID{number}_3_TEXT"}}']
            layout += [(position, "choice"), (position, "words")]
        else:  # a follow-up text entry question of its own
            tags += [tag, f"{tag}.1"]
            texts += [text(position), "Please explain your answer."]
            ids += [f'{{"ImportId":"QID{number}"}}', f'{{"ImportId":"QID{number}1_TEXT"}}']
            layout += [(position, "choice"), (position, "words")]
    rows = [tags, texts, ids]
    preview = ["2028-07-01 08:00:00", "2028-07-01 08:02:10", "1", "", "100", "130", "1",
               "2028-07-01 08:02:11", "R_1aSurveyPreview", "", "", "", "", "", "",
               "preview", "EN", "Test Testerson", "6th Judicial Circuit"]
    preview += ["Yes" if kind == "choice" and p in YES_NO else
                "Agree" if kind == "choice" else "" for p, kind in layout]
    rows.append(preview)
    for number, person in enumerate(CANDIDATES):
        start = person["submitted"] - dt.timedelta(minutes=18)
        row = [start.strftime("%Y-%m-%d %H:%M:%S"),
               person["submitted"].strftime("%Y-%m-%d %H:%M:%S"), "0",
               f"203.0.113.{40 + number}", "100", "1080", "1",
               person["submitted"].strftime("%Y-%m-%d %H:%M:%S"),
               f"R_3{'kqPdVx9'[number:]}Sample{number}", "", "", "", "", "32.37", "-86.30",
               "anonymous", "EN", person["name"], person["district"]]
        for position, kind in layout:
            value, words = person["answers"][position]
            row.append(words if kind in ("text", "words") else choice_label(position, value))
        rows.append(row)
    return rows


def typeform_rows() -> list[list[str]]:
    """Typeform's CSV download: yes/no as 1/0, hidden fields, its own columns at the end."""
    why = {1: "Why?", 2: "Tell us more", 3: "Why?", 4: "Please explain", 5: "Tell us more",
           6: "Why?", 7: "Tell us more", 8: "Why?"}
    header = ["#", "What's your full name?", "Which judicial circuit are you running in?"]
    for position in range(1, 11):
        header.append(text(position))
        if position in why:
            header.append(why[position])
    header += ["utm_source", "Response Type", "Start Date (UTC)", "Stage Date (UTC)",
               "Submit Date (UTC)", "Network ID", "Tags"]
    rows = [header]
    for number, person in enumerate(CANDIDATES):
        row = [f"{'x4bq0zsv9k2ha7mn'[number:]}{number}w8e1r5t", person["name"],
               person["district"]]
        for position in range(1, 11):
            value, words = person["answers"][position]
            if position in TEXT:
                row.append(words)
                continue
            row.append(("1" if value == "Yes" else "0") if position in YES_NO else str(value))
            row.append(words)
        start = person["submitted"] - dt.timedelta(minutes=12)
        row += ["newsletter", "completed", start.strftime("%Y-%m-%d %H:%M:%S"), "",
                person["submitted"].strftime("%Y-%m-%d %H:%M:%S"), f"9a{number}c3e1f0",
                ""]
        rows.append(row)
    return rows


GRID = "How strongly do you agree with each statement?"


def google_forms_rows() -> list[list[str]]:
    """Google Forms' CSV: titles as staff wrote them, a grid, repeated follow-up titles."""
    header = ["Timestamp", "Email Address", "What is your full name?",
              "Which judicial circuit are you running in?"]
    order = []
    for position in range(1, 11):
        if position in SCALE:
            header.append(f"{GRID} [{QUESTIONS[position]['topic']}]")
            order.append((position, "choice"))
        elif position in TEXT:
            header.append(f"{position}. {text(position)} (optional)")
            order.append((position, "words"))
        else:
            header.append(f"{position}. {text(position)}")
            order.append((position, "choice"))
            if position in (1, 3):  # a follow-up after two questions only
                header.append("Please explain your answer")
                order.append((position, "words"))
    rows = [header]
    for person in CANDIDATES:
        row = [us_stamp(person["submitted"]), person["email"], person["name"],
               person["district"]]
        for position, kind in order:
            value, words = person["answers"][position]
            row.append(words if kind == "words" else choice_label(position, value))
        rows.append(row)
    return rows


def by_hand_rows() -> tuple[list[list[object]], dict[str, str]]:
    """A sheet typed in Excel: a title row, a blank row, then the headers in row 3."""
    header = ["First name", "Last name", "Name", "District", "Received"]
    for position in range(1, 11):
        topic = QUESTIONS[position]["topic"]
        header.append(topic)
        if position not in TEXT:
            header.append(f"{topic} — explanation")
    rows: list[list[object]] = [["2028 DA questionnaire: answers received by mail and phone"],
                                [], header]
    formulas = {}
    for number, person in enumerate(CANDIDATES, start=4):
        formulas[f"C{number}"] = f'A{number}&" "&B{number}'
        district = person["county"] if number == 4 else person["short"]
        row: list[object] = [person["first"], person["last"], person["name"], district,
                             person["submitted"].date()]
        for position in range(1, 11):
            value, words = person["answers"][position]
            row += [words] if position in TEXT else [value, words]
        rows.append(row)
    return rows, formulas


def desk_rows(day_first: bool) -> list[list[str]]:
    """A hand-made sheet saved by Excel as text: the last column holds a line break."""
    header = ["Candidate", "Circuit", "Date received"]
    for position in range(1, 11):
        title = text(position).rstrip("?")
        header.append(f"Q{position} {title}" if not day_first else title + (
            " (optional)" if position in TEXT else ""))
        if position not in TEXT:
            header.append(f"Q{position} comments" if not day_first else "Explanation")
    rows = [header]
    for person in CANDIDATES:
        when = person["submitted"]
        stamp = f"{when.day:02}/{when.month:02}/{when.year}" if day_first else \
            f"{when.month}/{when.day}/{when.year}"
        row = [person["name"], person["short"] if day_first else person["district"], stamp]
        for position in range(1, 11):
            value, words = person["answers"][position]
            row += [words] if position in TEXT else [
                choice_label(position, value) if day_first else str(value), words]
        rows.append(row)
    return rows


def files() -> dict[str, bytes]:
    """Every example export, by file name."""
    sm = surveymonkey_rows()
    hand, formulas = by_hand_rows()
    return {
        "surveymonkey.csv": csv_text(sm).encode("utf-8"),
        "surveymonkey.xlsx": xlsx(sm, sheet="Sheet"),
        "microsoft-forms.xlsx": xlsx(microsoft_forms_rows(), sheet="Sheet1"),
        "qualtrics.csv": ("\ufeff" + csv_text(qualtrics_rows())).encode("utf-8"),
        "typeform.csv": csv_text(typeform_rows()).encode("utf-8"),
        "google-forms.csv": csv_text(google_forms_rows()).encode("utf-8"),
        "excel-by-hand.xlsx": xlsx(hand, sheet="Answers", dimension="A1", merged="A1:F1",
                                   formulas=formulas),
        "excel-unicode-text.txt": ("\ufeff" + csv_text(desk_rows(False), "\t")).encode(
            "utf-16-le"),
        "excel-semicolon.csv": ("\ufeff" + csv_text(desk_rows(True), ";")).encode("utf-8"),
    }


def main() -> None:
    """Write the files."""
    OUTPUT.mkdir(parents=True, exist_ok=True)
    for name, content in files().items():
        (OUTPUT / name).write_bytes(content)
        print(f"wrote {OUTPUT.relative_to(REPO) / name} ({len(content):,} bytes)")


if __name__ == "__main__":
    main()
