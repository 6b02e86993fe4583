"""The survey tools whose exports staff upload, recognised from the file itself, and where each
puts its headers, its own columns and its quirks.

- SurveyMonkey, "All individual responses" (CSV or XLSX): the question in row 1, its answer
  labels in row 2 ("Response", "Open-Ended Response", an option, "Other (please specify)");
  a question's further columns (a comment box, options, matrix rows) have a blank top header.
- Microsoft Forms: ID, Start time, Completion time, then Email and Name of the *account* that
  filled in the form (often "anonymous"), never the candidate's own answers.
- Qualtrics: three header rows (export tags Q1…, question text, {"ImportId": …}), or two in the
  legacy format (V1…, names); its Status is the response type (preview, test, spam).
- Typeform: "#", the questions, hidden fields, Start/Stage/Submit Date (UTC), Network ID,
  Tags; yes/no answers as 1 and 0.
- Google Forms: Timestamp, Email Address, the questions (grids as "Title [Row]").
- Anything else is a spreadsheet: its header row is found (title and blank rows above it are
  skipped with a note), not assumed.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from ..web.staff_words import s_
from .cleaners import normalise
from .reading import Column, FileRefused, Sheet, Table

Rows = list[tuple[int, list[str]]]
#: Tells whether a header cell means something to the guide (a detail, a question).
Vocabulary = Callable[[str], bool]

#: Role names a tool gives its own columns.
TOOL = "tool"  # the tool's bookkeeping: ignored unless staff pair it
HIDDEN = "hidden"  # hidden/embedded fields: used if they name a candidate detail, else ignored
RECEIVED = "received_on"
EMAIL = "email"
FIRST, LAST = "first_name", "last_name"
EXPLANATION = "explanation"  # the comment box of the question this column belongs to


@dataclass
class Layout:
    """Where a tool's header rows are and what its columns are."""

    header: int  # index into the non-blank rows of the (last) header row
    columns: list[Column]
    extra_rows: list[int] = field(default_factory=list)  # further header rows (indexes)
    notes: list[str] = field(default_factory=list)


class Tool:
    """A plain spreadsheet; the base of every survey tool's reader."""

    id = "spreadsheet"
    name = "A spreadsheet"
    description = "one header row, found by its column names"
    #: Whether yes/no questions are written as 1 and 0.
    yes_no_numbers = False

    def recognise(self, rows: Rows) -> int | None:
        """The index of this tool's header row among the non-blank rows, or None."""
        return None

    def lay_out(self, rows: Rows, header: int, vocabulary: Vocabulary | None) -> Layout:
        """The columns under a header row."""
        return Layout(header, [Column(i, _clean_header(h)) for i, h in
                               enumerate(rows[header][1])])

    def skip_row(self, table: Table, row: list[str]) -> str | None:
        """Why a data row is not a candidate's response (a test), or None."""
        return None


def _clean_header(text: str) -> str:
    """A header cell without markup (Typeform and Qualtrics keep <strong>…) or extra spaces."""
    text = re.sub(r"<[^>]{0,200}>", "", text or "")
    return " ".join(text.replace("\xa0", " ").split())


def _find(row: list[str], *names: str) -> bool:
    """Whether a row holds every one of these header names (case and spacing folded)."""
    cells = {normalise(c) for c in row}
    return all(normalise(n) in cells for n in names)


class SurveyMonkey(Tool):
    """SurveyMonkey's "All individual responses" export (expanded), CSV or XLSX."""

    id, name = "surveymonkey", "SurveyMonkey"
    description = "“All individual responses”: the question in the first header row, its answer " \
                  "labels (Response, Open-Ended Response, options) in the second"
    METADATA = {"respondent id": TOOL, "collector id": TOOL, "start date": TOOL,
                "end date": RECEIVED, "ip address": TOOL, "email address": EMAIL,
                "first name": FIRST, "last name": LAST}
    SUBHEADERS = {"response", "open-ended response", "other (please specify)"}

    def recognise(self, rows: Rows) -> int | None:
        for index, (_, row) in enumerate(rows[:8]):
            following = rows[index + 1][1] if index + 1 < len(rows) else []
            subs = {normalise(c) for c in following}
            labelled = subs & {"response", "open-ended response"}
            if _find(row, "Respondent ID", "Collector ID") or (
                    labelled and sum(bool(c.strip()) for c in row) >= 2):
                return index
        return None

    def lay_out(self, rows: Rows, header: int, vocabulary: Vocabulary | None) -> Layout:
        top = rows[header][1]
        subs = rows[header + 1][1] if header + 1 < len(rows) else []
        second = header + 1 if {normalise(c) for c in subs} & self.SUBHEADERS else None
        columns: list[Column] = []
        group, group_header = None, ""
        for index in range(max(len(top), len(subs) if second is not None else 0)):
            head = _clean_header(top[index]) if index < len(top) else ""
            sub = _clean_header(subs[index]) if second is not None and index < len(subs) else ""
            key = normalise(head)
            if head:
                group, group_header = index, head
            column = Column(index, head or group_header, sub, group=group)
            if head and (key in self.METADATA or key.startswith("custom data")):
                column.tool_role = self.METADATA.get(key, TOOL)
                column.group = None
                group, group_header = None, ""
            elif not head and group is not None:
                first = columns[group]
                if normalise(first.sub) in ("response", "open-ended response"):
                    # A single-answer question's further column: its comment box or "Other".
                    column.tool_role = EXPLANATION
            columns.append(column)
        notes = []
        if second is not None:
            notes.append(f"Row {rows[second][0]} holds SurveyMonkey's answer labels (“Response”, "
                         "“Open-Ended Response”, options): read as part of the headers.")
        return Layout(header, columns, [second] if second is not None else [], notes)


class MicrosoftForms(Tool):
    """Microsoft Forms' Excel download (or a CSV saved from it)."""

    id, name = "microsoft-forms", "Microsoft Forms"
    description = "ID, Start time, Completion time, then the Email and Name of the account " \
                  "that filled in the form (not the candidate's answers), then the questions"
    METADATA = {"id": TOOL, "start time": TOOL, "completion time": RECEIVED, "email": TOOL,
                "name": TOOL, "last modified time": TOOL, "total points": TOOL,
                "quiz feedback": TOOL, "grade posted time": TOOL, "language": TOOL}

    def recognise(self, rows: Rows) -> int | None:
        for index, (_, row) in enumerate(rows[:8]):
            if _find(row, "ID", "Start time", "Completion time"):
                return index
        return None

    def lay_out(self, rows: Rows, header: int, vocabulary: Vocabulary | None) -> Layout:
        columns = []
        for index, text in enumerate(rows[header][1]):
            head = _clean_header(text)
            key = normalise(head)
            role = self.METADATA.get(key)
            if key.startswith(("points - ", "feedback - ")):
                role = TOOL
            columns.append(Column(index, head, tool_role=role))
        return Layout(header, columns, notes=[
            "Microsoft Forms' own Email and Name columns are the account that filled in the "
            "form (often “anonymous”): they are ignored; the candidate's name comes from the "
            "form's own question."])


class Qualtrics(Tool):
    """Qualtrics' CSV/TSV/XLSX download: export tags, question text, import ids."""

    id, name = "qualtrics", "Qualtrics"
    description = "three header rows (export tags such as Q1, the question text, " \
                  "{\"ImportId\": …}); questions are matched by their text, never their tag"
    METADATA = {"startdate": TOOL, "enddate": TOOL, "status": TOOL, "ipaddress": TOOL,
                "progress": TOOL, "duration (in seconds)": TOOL, "finished": TOOL,
                "recordeddate": RECEIVED, "responseid": TOOL, "responseset": TOOL,
                "recipientlastname": LAST, "recipientfirstname": FIRST,
                "recipientemail": EMAIL, "externalreference": TOOL,
                "externaldatareference": TOOL, "locationlatitude": TOOL,
                "locationlongitude": TOOL, "locationaccuracy": TOOL,
                "distributionchannel": TOOL, "userlanguage": TOOL, "emailaddress": EMAIL,
                "name": TOOL}
    #: Response types that are not a real response: previews, tests, spam.
    NOT_RESPONSES = {"1": "a survey preview", "2": "a survey test", "8": "spam",
                     "9": "a preview flagged as spam", "12": "an imported response flagged as "
                     "spam", "17": "an offline survey preview", "survey preview": "a survey "
                     "preview", "survey test": "a survey test", "spam": "spam"}

    def recognise(self, rows: Rows) -> int | None:
        for index, (_, row) in enumerate(rows[:6]):
            keys = {normalise(c).replace(" ", "") for c in row}
            nxt = rows[index + 1][1] if index + 1 < len(rows) else []
            if {"responseid", "startdate", "enddate"} <= keys or (
                    {"startdate", "enddate", "status", "finished"} <= keys):
                return index
            if row and re.fullmatch(r"V\d+", (row[0] or "").strip()) and _find(nxt, "ResponseID"):
                return index
        return None

    def lay_out(self, rows: Rows, header: int, vocabulary: Vocabulary | None) -> Layout:
        tags = rows[header][1]
        texts = rows[header + 1][1] if header + 1 < len(rows) else []
        third = rows[header + 2][1] if header + 2 < len(rows) else []
        legacy = bool(tags) and bool(re.fullmatch(r"V\d+", tags[0].strip()))
        import_row = any(c.strip().startswith("{") and "ImportId" in c for c in third)
        extra = [header + 1] + ([header + 2] if import_row else [])
        columns = []
        for index, raw_tag in enumerate(tags):
            tag = raw_tag.strip()
            text = _clean_header(texts[index]) if index < len(texts) else ""
            import_id = _import_id(third[index]) if import_row and index < len(third) else ""
            name = text if legacy and re.fullmatch(r"V\d+", tag) else tag
            key = normalise(name).replace(" ", "")
            role = {k.replace(" ", ""): v for k, v in self.METADATA.items()}.get(key)
            if role is None and (key.startswith("q_") or tag.endswith("_DO")):
                role = TOOL
            if role is None and import_row and import_id and not import_id.upper().startswith(
                    "QID"):
                role = HIDDEN  # embedded data: used only if it names a candidate detail
            if role is None and tag.upper().endswith("_TEXT"):
                role = EXPLANATION
            header_text = re.sub(r"\s+-\s+Selected Choice$", "", text)
            columns.append(Column(index, header_text or tag, tag=tag, tool_role=role))
        notes = [f"Rows {', '.join(str(rows[i][0]) for i in [header, *extra])} are Qualtrics' "
                 "header rows (export tags, question text" + (", import ids" if import_row
                                                              else "") +
                 "); questions were matched by their text."]
        return Layout(header, columns, extra, notes)

    def skip_row(self, table: Table, row: list[str]) -> str | None:
        for column in table.columns:
            if normalise(column.tag) == "status" and column.index < len(row):
                kind = self.NOT_RESPONSES.get(normalise(row[column.index]))
                if kind:
                    return f"Qualtrics marks this row as {kind} (Status “{row[column.index]}”)"
        return None


def _import_id(cell: str) -> str:
    """The ImportId in a Qualtrics third-row cell: {"ImportId":"QID3_TEXT"} -> QID3_TEXT."""
    try:
        return str(json.loads(cell).get("ImportId", ""))
    except (ValueError, AttributeError):
        found = re.search(r'ImportId"?\s*:\s*"?([^"}]+)', cell)
        return found.group(1) if found else ""


class Typeform(Tool):
    """Typeform's CSV or XLSX download."""

    id, name = "typeform", "Typeform"
    description = "“#”, the questions, hidden fields, Start/Submit Date (UTC), Network ID and " \
                  "Tags; yes/no answers written as 1 and 0"
    yes_no_numbers = True
    METADATA = {"#": TOOL, "response type": TOOL, "start date (utc)": TOOL,
                "stage date (utc)": TOOL, "submit date (utc)": RECEIVED, "network id": TOOL,
                "tags": TOOL, "ending": TOOL, "score": TOOL, "token": TOOL}

    def recognise(self, rows: Rows) -> int | None:
        for index, (_, row) in enumerate(rows[:8]):
            if _find(row, "Submit Date (UTC)") or _find(row, "Network ID", "#") or _find(
                    row, "Start Date (UTC)"):
                return index
        return None

    def lay_out(self, rows: Rows, header: int, vocabulary: Vocabulary | None) -> Layout:
        columns = []
        for index, text in enumerate(rows[header][1]):
            head = _clean_header(text)
            role = self.METADATA.get(normalise(head))
            if role is None and re.fullmatch(r"[a-z0-9_]+", head) and not (
                    vocabulary and vocabulary(head)):
                role = HIDDEN  # a hidden field: Typeform names them like identifiers
            columns.append(Column(index, head, tool_role=role))
        return Layout(header, columns)


class GoogleForms(Tool):
    """Google Forms' responses, downloaded as CSV (or the responses sheet as XLSX)."""

    id, name = "google-forms", "Google Forms"
    description = "Timestamp, Email Address, then one column per question (grids as " \
                  "“Title [Row]”)"
    STAMPS = {"timestamp", "marca temporal", "horodateur", "zeitstempel",
              "carimbo de data/hora", "informazioni cronologiche"}
    METADATA = {"email address": EMAIL, "email": EMAIL, "username": EMAIL, "score": TOOL,
                "total score": TOOL}

    def recognise(self, rows: Rows) -> int | None:
        for index, (_, row) in enumerate(rows[:8]):
            if row and normalise(row[0]) in self.STAMPS and sum(bool(c.strip()) for c in row) > 1:
                return index
        return None

    def lay_out(self, rows: Rows, header: int, vocabulary: Vocabulary | None) -> Layout:
        columns = []
        for index, text in enumerate(rows[header][1]):
            head = _clean_header(text)
            key = normalise(head)
            role = RECEIVED if key in self.STAMPS else self.METADATA.get(key)
            columns.append(Column(index, head, tool_role=role))
        return Layout(header, columns)


TOOLS: list[Tool] = [Qualtrics(), SurveyMonkey(), MicrosoftForms(), Typeform(), GoogleForms()]
SPREADSHEET = Tool()
BY_ID = {t.id: t for t in [*TOOLS, SPREADSHEET]}


def lay_out(sheet: Sheet, vocabulary: Vocabulary | None = None) -> Table:
    """Recognise the tool that wrote a sheet, find its header rows, and name its columns."""
    rows = [(n, r) for n, r in sheet.rows if any(c.strip() for c in r)]
    if not rows:
        raise FileRefused(s_("The file is empty."))
    tool, header = SPREADSHEET, None
    for candidate in TOOLS:
        header = candidate.recognise(rows)
        if header is not None:
            tool = candidate
            break
    if header is None:
        header = _find_header(rows, vocabulary)
    layout = tool.lay_out(rows, header, vocabulary)
    notes = list(sheet.notes)
    for index in range(layout.header):
        text = " ".join(c.strip() for c in rows[index][1] if c.strip())
        notes.append(f"Row {rows[index][0]} (“{text[:80]}”) is above the headers: read as a "
                     "title and skipped.")
    notes.extend(layout.notes)
    last = max([layout.header, *layout.extra_rows])
    body = rows[last + 1:]
    columns = [c for c in layout.columns]
    while columns and not columns[-1].label and not any(
            columns[-1].index < len(r) and r[columns[-1].index].strip() for _, r in body):
        columns.pop()  # a trailing empty column (Qualtrics and Excel often add one)
    width = len(columns)
    if not width or sum(bool(c.label) for c in columns) < 1:
        raise FileRefused(s_("The file has no header row."))
    if not body:
        raise FileRefused(
            s_("The file has a header row but no rows of candidates under it."))
    _keys(columns)
    table = Table(columns, [(n, [c.strip() for c in (r + [""] * width)[:width]])
                            for n, r in body], notes, tool.id, tool.name,
                  sheet.description, [rows[i][0] for i in [layout.header, *layout.extra_rows]])
    overflow = [n for n, r in body if any(c.strip() for c in r[width:])]
    if overflow:
        table.notes.append(f"Row {overflow[0]} has cells to the right of the last header; "
                           "they have no header and were not read.")
    return table


def _find_header(rows: Rows, vocabulary: Vocabulary | None) -> int:
    """The header row of a plain spreadsheet: the first of its first rows whose cells name the
    most things the guide knows (a title or a note above it has one cell, or none it knows)."""
    best, best_score = None, 0
    for index, (_, row) in enumerate(rows[:15]):
        filled = [c for c in row if c.strip()]
        if len(filled) < 2:
            continue
        score = sum(1 for c in filled if vocabulary and vocabulary(c))
        if best is None or score > best_score:
            best, best_score = index, score
    if best is None:
        return 0
    if best_score == 0:  # nothing known: the first row with two cells or more
        return next(i for i, (_, r) in enumerate(rows[:15]) if sum(bool(c.strip()) for c in r)
                    >= 2)
    return best


def _keys(columns: list[Column]) -> None:
    """Give each column the folded label that pairings remember (repeats numbered #2, #3)."""
    seen: Counter[str] = Counter()
    for column in columns:
        base = normalise(column.label) or f"column {column.index + 1}"
        seen[base] += 1
        column.key = base if seen[base] == 1 else f"{base} #{seen[base]}"
