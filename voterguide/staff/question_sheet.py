"""A questionnaire's questions as a spreadsheet with a column per language, and back.

Staff (or a translator) download the questions, fill the Spanish columns in a spreadsheet,
and upload the file again: every row becomes a change in the uploader's draft, like a
question edited in the browser, so it reaches voters only when an admin publishes it (with
the same preview, history and rollback). The file is read by the importer's reader
(reading.read_sheet: CSV or XLSX, its size limits); a file with any bad row is refused whole,
each problem named by its row, and nothing is saved.
"""

from __future__ import annotations

import csv
import io

from ..web.staff_words import s_
from .cleaners import normalise
from .exports import FORMULA_STARTS, _cell
from .reading import FileRefused, read_sheet

#: The columns, in the order the download writes them (the upload reads them by header).
COLUMNS = ["code", "position", "topic", "text", "kind", "scale low", "scale high",
           "word limit", "topic_es", "text_es", "scale_low_es", "scale_high_es"]
#: Columns a file must have; the others may be left out (their values then stay as they are).
REQUIRED = ("code", "topic", "text", "kind")
KINDS = ("yes_no", "scale", "text")
#: Most questions one file may hold: a questionnaire is a page, not a database.
MAX_QUESTIONS = 500
LONGEST = {"topic": 100, "text": 5_000, "scale low": 100, "scale high": 100, "topic_es": 100,
           "text_es": 5_000, "scale_low_es": 100, "scale_high_es": 100}


class SheetRefused(FileRefused):
    """The file was read but some rows are wrong: every problem, by row."""

    def __init__(self, problems: list[str]):
        super().__init__("Nothing was saved: " + " ".join(problems[:20]) + (
            f" (and {len(problems) - 20} more problems)" if len(problems) > 20 else ""))
        self.problems = problems


def questions_csv(questions) -> bytes:
    """Questions as UTF-8 CSV with a byte-order mark (Excel needs it to read accents right);
    a cell that a spreadsheet would run as a formula starts with an apostrophe."""
    output = io.StringIO()
    writer = csv.writer(output)
    writer.writerow(COLUMNS)
    for q in questions:
        es = (q.translations or {}).get("es") or {}
        writer.writerow([_cell(v) for v in (
            q.code, q.position, q.topic, q.text, q.kind.value, q.scale_low, q.scale_high,
            q.word_limit, es.get("topic"), es.get("text"), es.get("scale_low"),
            es.get("scale_high"))])
    return ("\ufeff" + output.getvalue()).encode("utf-8")


def _plain(cell: str) -> str:
    """A cell as typed: the apostrophe the download put before a formula-like text removed."""
    if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS):
        return cell[1:]
    return cell


def _unreadable(text: str) -> str | None:
    """Why a text cannot be shown (as the browser form says), or None."""
    if "\ufffd" in text:
        return "some characters could not be read (they show as �)"
    if any(ord(c) < 32 and c not in "\n\r\t" or 0x7f <= ord(c) < 0xa0 for c in text):
        return "it holds an invisible control character"
    return None


def read_questions(file_name: str, content: bytes, codes: set[str]) -> list[dict]:
    """The rows of an uploaded questions file, each as {"code": … or None for a new question,
    "row": number, "values": {…the columns given…}}; raises FileRefused when the file cannot
    be read and SheetRefused listing every bad row. ``codes`` are the questionnaire's own."""
    sheet = read_sheet(file_name, content)
    rows = [(n, r) for n, r in sheet.rows if any(c.strip() for c in r)]
    if not rows:
        raise FileRefused(s_("The file is empty."))
    number, header = rows[0]
    names = [normalise(h).replace("_", " ") for h in header]
    known = {normalise(c).replace("_", " "): c for c in COLUMNS}
    missing = [c for c in REQUIRED if normalise(c) not in names]
    if missing:
        raise FileRefused(s_("Row %(number)s should be the header row, with the columns "
                             "%(columns)s; it lacks %(missing)s. Download the questions to get "
                             "a file with the right columns.", number=number,
                             columns=", ".join(COLUMNS), missing=", ".join(missing)))
    unknown = [h for h, n in zip(header, names, strict=True) if n and n not in known]
    if unknown:
        raise FileRefused(s_("The column “%(column)s” is not one the guide reads: keep only "
                             "%(columns)s.", column=unknown[0][:60], columns=", ".join(COLUMNS)))
    twice = sorted({known[n] for n in names if n and names.count(n) > 1})
    if twice:
        raise FileRefused(s_("The column “%(column)s” is there twice: keep one, so it is "
                             "clear which words count.", column=twice[0]))
    where = {known[n]: i for i, n in enumerate(names) if n}
    body = rows[1:]
    if not body:
        raise FileRefused(s_("The file has a header row but no questions under it."))
    if len(body) > MAX_QUESTIONS:
        raise FileRefused(s_("The file has %(count)s questions; a questionnaire may have "
                             "%(most)s at most.", count=len(body), most=MAX_QUESTIONS))
    problems, found, seen = [], [], set()
    for number, row in body:
        values = {c: _plain((row[i] if i < len(row) else "").strip()) for c, i in where.items()}
        found.append(_check_row(number, values, codes, seen, problems))
    if problems:
        raise SheetRefused(problems)
    return found


def _check_row(number: int, values: dict, codes: set[str], seen: set[str],
               problems: list[str]) -> dict:
    """One row's fields, its problems added to ``problems``."""
    def problem(text: str) -> None:
        problems.append(s_("Row %(number)s: %(problem)s.", number=number, problem=text))
    code = values.pop("code") or None
    if code is not None and code not in codes:
        problem(s_("no question of this questionnaire has the code “%(code)s” (leave the code "
                   "empty for a new question)", code=code[:40]))
    if code is not None and code in seen:
        problem(s_("the code “%(code)s” is on an earlier row too", code=code[:40]))
    seen.add(code)
    if not values.get("topic"):
        problem(s_("the topic is empty: every question needs one"))
    if not values.get("text"):
        problem(s_("the question's text is empty"))
    kind = values.get("kind", "").lower().replace(" ", "_").replace("/", "_")
    if kind not in KINDS:
        problem(s_("the kind “%(kind)s” is not one the guide knows: write yes_no, scale or "
                   "text", kind=values.get("kind", "")[:40]))
    values["kind"] = kind
    for column, longest in LONGEST.items():
        text = values.get(column) or ""
        if len(text) > longest:
            problem(s_("the %(column)s is longer than %(longest)s characters", column=column,
                       longest=longest))
        why = _unreadable(text)
        if why:
            problem(s_("the %(column)s cannot be shown: %(why)s", column=column, why=why))
    for column in ("position", "word limit"):
        raw = values.get(column) or ""
        if raw and not (raw.isdigit() and 1 <= int(raw) <= (10_000 if column == "word limit"
                                                             else MAX_QUESTIONS)):
            problem(s_("the %(column)s “%(value)s” is not a whole number from 1 to %(most)s",
                       column=column, value=raw[:20],
                       most=10_000 if column == "word limit" else MAX_QUESTIONS))
    if kind == "scale" and bool(values.get("scale low")) != bool(values.get("scale high")):
        problem(s_("give the scale both its words (what 1 and 5 mean), or neither"))
    return {"code": code, "row": number, "values": values}
