"""Reading a spreadsheet (CSV, tab-separated "Unicode text" or XLSX) into numbered rows of text.

Nothing in a file is ever evaluated: a workbook's formulas give the value the spreadsheet saved
with them (never their text, never recomputed), XML is parsed with defusedxml (openpyxl uses it
when installed), and no external link or entity is followed. Which rows are headers is worked
out afterwards, by the survey tool readers (surveytools.py).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import time
import warnings
import zipfile
from dataclasses import dataclass, field

from ..web.staff_words import s_

#: Most rows and columns an import may have; larger files are refused, not truncated.
MAX_ROWS = 50_000
MAX_COLUMNS = 500
#: Most cells a sheet may have (a thousand candidates answering 500 questions): what a file
#: costs to read is its cells, not its compressed size.
MAX_CELLS = 500_000
#: Most bytes a workbook may unpack to in all, and its shared strings (read whole into
#: memory) on their own; checked from the archive's directory before anything is unpacked.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_SHARED_STRINGS_BYTES = 32 * 1024 * 1024
MAX_PARTS = 2_000
#: Most seconds reading one file may take before it is refused.
PARSE_SECONDS = 60.0
#: The delimiters a CSV may use: comma, semicolon (European Excel), tab ("Unicode text"), pipe.
DELIMITERS = (",", ";", "\t", "|")


class FileRefused(ValueError):
    """The file as a whole cannot be read; the message says why and what to do."""


@dataclass
class Sheet:
    """Every row of a file as text, numbered as the spreadsheet shows them, blank rows kept."""

    rows: list[tuple[int, list[str]]]
    kind: str  # "csv" or "xlsx"
    description: str  # how it was read, for the preview: "CSV, semicolon-separated, UTF-8"
    notes: list[str] = field(default_factory=list)


@dataclass
class Column:
    """One column of a table: where it is, what its header rows say, what the tool says it is."""

    index: int
    header: str  # the header row's text (for SurveyMonkey: the question over its sub-columns)
    sub: str = ""  # a second header row's text: SurveyMonkey's "Response", an option, …
    tag: str = ""  # an export tag, as Qualtrics writes them (Q1, QID3_TEXT): shown, never matched
    tool_role: str | None = None  # a role the survey tool gives it ("tool", "received_on", …)
    group: int | None = None  # the first column of a SurveyMonkey question spanning several
    key: str = ""  # the folded label that remembered pairings use

    @property
    def label(self) -> str:
        """The column's name as a person reads it."""
        if self.sub and self.header and self.sub != self.header:
            return f"{self.header} / {self.sub}"
        return self.header or self.sub


@dataclass
class Table:
    """A spreadsheet's columns and its data rows, with the tool that wrote it."""

    columns: list[Column]
    rows: list[tuple[int, list[str]]]
    notes: list[str] = field(default_factory=list)
    tool: str = "spreadsheet"
    tool_name: str = "A spreadsheet"
    description: str = ""
    header_rows: list[int] = field(default_factory=list)

    @property
    def headers(self) -> list[str]:
        """Each column's label."""
        return [c.label for c in self.columns]


def column_letter(index: int) -> str:
    """The spreadsheet letter of a zero-based column index: 0 -> A, 27 -> AB."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def read_sheet(file_name: str, content: bytes) -> Sheet:
    """Read a CSV or XLSX file into rows; raises FileRefused with a plain reason."""
    if not content.strip():
        raise FileRefused(s_("The file is empty."))
    if content.startswith(b"PK\x03\x04"):
        return _xlsx_sheet(content)
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileRefused(s_("This is an old Excel .xls file. Open it in Excel or LibreOffice "
                             "and save it as .xlsx or CSV, then upload that."))
    for magic, kind in ((b"%PDF", s_("a PDF")), (b"\x89PNG", s_("a PNG image")),
                        (b"\xff\xd8", s_("a JPEG image")), (b"GIF8", s_("a GIF image")),
                        (b"\x1f\x8b", s_("a gzip archive"))):
        if content.startswith(magic):
            raise FileRefused(s_("This file is %(kind)s, not a spreadsheet. Upload a CSV or an "
                                 ".xlsx file.", kind=kind))
    text, encoding, notes = _decode(content)
    if text.lstrip()[:15].lower().startswith(("<!doctype", "<html", "<?xml")):
        raise FileRefused(s_("This file is a web page or XML, not a spreadsheet. Upload a CSV "
                             "or an .xlsx file."))
    rows, delimiter = _csv_rows(text)
    name = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}[delimiter]
    return Sheet(rows, "csv", f"CSV, {name}-separated, {encoding}", notes)


def read_table(file_name: str, content: bytes) -> Table:
    """Read a file and find its header rows as a plain spreadsheet (see surveytools.py)."""
    from .surveytools import lay_out

    return lay_out(read_sheet(file_name, content))


def _decode(content: bytes) -> tuple[str, str, list[str]]:
    """Text from bytes: UTF-16 (with a BOM or without), UTF-8, else Windows-1252."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return content.decode("utf-16"), "UTF-16", []
        except UnicodeDecodeError as error:
            raise FileRefused(s_("The file says it is UTF-16 text but is not.")) from error
    if b"\x00" in content:
        sample = content[:4000]
        # UTF-16 without a byte order mark: every other byte of Latin text is zero.
        odd, even = sample[1::2].count(0), sample[0::2].count(0)
        for encoding, zeros in (("utf-16-le", odd), ("utf-16-be", even)):
            if zeros > len(sample) // 4:
                try:
                    return content.decode(encoding), "UTF-16", []
                except UnicodeDecodeError:
                    break
        raise FileRefused(s_("This file is not a spreadsheet (it holds binary data). Upload a "
                             "CSV or an .xlsx file."))
    try:
        return content.decode("utf-8-sig"), "UTF-8", []
    except UnicodeDecodeError:
        pass
    try:
        text = content.decode("cp1252")
    except UnicodeDecodeError:
        text = content.decode("latin-1")
    return text, "Windows-1252", ["The file is not UTF-8; it was read as Windows-1252 (Excel's "
                                  "usual CSV encoding). Check accented names in the preview."]


def _csv_rows(text: str) -> tuple[list[tuple[int, list[str]]], str]:
    """The rows of CSV text and its delimiter.

    csv.Sniffer guesses from a cut sample and is fooled by a quoted line break in the last
    column, so each delimiter is tried on whole records instead: the one that splits the most
    rows into the same number of columns (more than one) wins.
    """
    sample = _whole_records(text, 64 * 1024)
    best, best_score = ",", (-1.0, 0)
    for delimiter in DELIMITERS:
        try:
            rows = [r for r in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter,
                                          strict=False) if any(c.strip() for c in r)]
        except csv.Error:
            continue
        widths = [len(r) for r in rows]
        if not widths:
            continue
        common = max(set(widths), key=widths.count)
        if common < 2:
            continue
        score = (widths.count(common) / len(widths), common)
        if score > best_score:
            best, best_score = delimiter, score
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=best, strict=False)
    rows: list[tuple[int, list[str]]] = []
    try:
        number = 1
        for row in reader:
            rows.append((number, [c.replace("\r\n", "\n") for c in row]))
            number = reader.line_num + 1
            if len(rows) > MAX_ROWS + 10:
                raise FileRefused(s_("The file has more than %(rows)s rows.",
                                     rows=format(MAX_ROWS, ",")))
            if len(row) > MAX_COLUMNS:
                raise FileRefused(s_("The file has more than %(columns)s columns.",
                                     columns=MAX_COLUMNS))
    except csv.Error as error:
        raise FileRefused(s_("Row %(number)s cannot be read as CSV: %(error)s.",
                             number=reader.line_num, error=error)) from error
    return rows, best


def _whole_records(text: str, size: int) -> str:
    """The start of a CSV text, cut at a line break outside quotes (never inside a cell)."""
    if len(text) <= size:
        return text
    quoted = False
    for position, char in enumerate(text):
        if char == '"':
            quoted = not quoted
        elif char == "\n" and not quoted and position >= size:
            return text[:position]
    return text


class _Budget:
    """The time reading one file may take, and the cells it may hold."""

    def __init__(self, seconds: float):
        self.deadline = time.monotonic() + seconds
        self.seconds = seconds
        self.cells = 0

    def spend(self, cells: int) -> None:
        """Count cells read; refuse the file past MAX_CELLS or past its time."""
        self.cells += cells
        if self.cells > MAX_CELLS:
            raise FileRefused(s_("The sheet has more than %(cells)s cells (rows × columns), "
                                 "far more than a questionnaire's answers; it was not read. "
                                 "Delete the empty rows and columns, or split the file.",
                                 cells=format(MAX_CELLS, ",")))
        if time.monotonic() > self.deadline:
            raise FileRefused(s_("Reading this workbook took more than %(seconds)s seconds; it "
                                 "was not read. Save it again as CSV and upload that.",
                                 seconds=format(self.seconds, "g")))


DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]{1,3})(\d{1,7})(?::([A-Z]{1,3})'
                       rb'(\d{1,7}))?"')


def _column_number(letters: bytes) -> int:
    """A column's number from its letters (A is 1)."""
    number = 0
    for letter in letters.decode():
        number = number * 26 + ord(letter) - 64
    return number


def check_archive(content: bytes) -> None:
    """Refuse a workbook whose parts would cost too much to read, before reading any of them.

    The sizes come from the archive's directory (what each part unpacks to, which zipfile
    never exceeds while unpacking), and each sheet's declared dimension from its first bytes:
    a small upload that unpacks to gigabytes, or a sheet claiming 49,000 × 500 cells, is
    refused here, naming the limit.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts = archive.infolist()
            if len(parts) > MAX_PARTS:
                raise FileRefused(s_("This workbook has more than %(parts)s parts; it is not a "
                                     "questionnaire's export and was not read.",
                                     parts=format(MAX_PARTS, ",")))
            total = sum(part.file_size for part in parts)
            if total > MAX_UNPACKED_BYTES:
                raise FileRefused(s_("This workbook unpacks to %(megabytes)s MB, more than the "
                                     "%(limit)s MB a questionnaire's answers could need; it was "
                                     "not read.", megabytes=format(total // (1024 * 1024), ","),
                                     limit=MAX_UNPACKED_BYTES // (1024 * 1024)))
            for part in parts:
                name = part.filename.lower()
                if name.endswith("sharedstrings.xml") and part.file_size > \
                        MAX_SHARED_STRINGS_BYTES:
                    raise FileRefused(s_("This workbook's text unpacks to more than "
                                         "%(limit)s MB; it was not read.",
                                         limit=MAX_SHARED_STRINGS_BYTES // (1024 * 1024)))
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    with archive.open(part) as sheet:
                        _check_dimension(sheet.read(4096))
    except (zipfile.BadZipFile, OSError, RuntimeError, ValueError) as error:
        if isinstance(error, FileRefused):
            raise
        raise FileRefused(s_("This file is a ZIP archive but not an Excel workbook. Upload a "
                             "CSV or an .xlsx file.")) from error


def _check_dimension(start: bytes) -> None:
    """Refuse a sheet whose declared size is past the limits (a missing or smaller
    declaration is not trusted either: the cells are counted again while reading)."""
    found = DIMENSION.search(start)
    if not found or not found[3]:
        return
    rows = int(found[4]) - int(found[2]) + 1
    columns = _column_number(found[3]) - _column_number(found[1]) + 1
    if rows > MAX_ROWS + 10:
        raise FileRefused(s_("The sheet has more than %(rows)s rows.",
                             rows=format(MAX_ROWS, ",")))
    if columns > MAX_COLUMNS:
        raise FileRefused(s_("The sheet has more than %(columns)s columns.",
                             columns=MAX_COLUMNS))
    if rows * columns > MAX_CELLS:
        raise FileRefused(s_("The sheet has %(rows)s × %(columns)s cells, more than the "
                             "%(cells)s cells a questionnaire's answers could need; it was not "
                             "read. Delete the empty rows and columns, or split the file.",
                             rows=format(rows, ","), columns=columns,
                             cells=format(MAX_CELLS, ",")))


def _xlsx_sheet(content: bytes, seconds: float = PARSE_SECONDS) -> Sheet:
    """The rows of the first non-empty sheet of a workbook, each cell as the text it shows."""
    import openpyxl  # imported here: only staff imports need it

    check_archive(content)
    budget = _Budget(seconds)

    def load(data_only: bool):
        try:
            with warnings.catch_warnings():
                # openpyxl warns about what it skips (styles, extensions): not our concern.
                warnings.simplefilter("ignore")
                return openpyxl.load_workbook(io.BytesIO(content), read_only=True,
                                              data_only=data_only, keep_links=False)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as error:
            raise FileRefused(s_("This file is a ZIP archive but not an Excel workbook. Upload "
                                 "a CSV or an .xlsx file.")) from error
        except Exception as error:  # openpyxl raises assorted errors on damaged workbooks
            raise FileRefused(s_("This workbook cannot be read (%(error)s). Open it in Excel or "
                                 "LibreOffice and save it again as .xlsx.",
                                 error=type(error).__name__)) from error

    workbook = load(data_only=True)
    formulas = None
    try:
        sheets = [s for s in workbook.worksheets if getattr(s, "sheet_state", "visible")
                  == "visible"] or list(workbook.worksheets)
        notes: list[str] = []
        chosen, rows = None, []
        for sheet in sheets:
            # Some programs (WPS Office, some libraries) write <dimension ref="A1"/>: read-only
            # mode would then see one cell. Forget the stored size and read every row.
            sheet.reset_dimensions()
            rows = _sheet_rows(sheet, budget)
            if any(any(c.strip() for c in r) for _, r in rows):
                chosen = sheet
                break
        if chosen is None:
            raise FileRefused(s_("The workbook is empty."))
        others = [s.title for s in sheets if s is not chosen]
        if others:
            notes.append(f"Read the sheet “{chosen.title}”; the workbook's other sheets "
                         f"({', '.join(others[:5])}) were not read.")
        if _has_formulas(content):
            # A formula whose saved value is blank may never have been calculated (a file
            # written by a program, not by Excel): say so rather than guess.
            formulas = load(data_only=False)
            sheet = formulas[chosen.title]
            sheet.reset_dimensions()
            budget.cells = 0  # the same cells again, as formulas
            for (number, values), (_, texts) in zip(rows, _sheet_rows(sheet, budget),
                                                    strict=False):
                for index, text in enumerate(texts):
                    if text.startswith("=") and index < len(values) and not values[index]:
                        raise FileRefused(s_(
                            "Cell %(cell)s holds a formula (%(formula)s) whose value was never "
                            "saved: the program that wrote this file did not calculate it. Open "
                            "the file in Excel or LibreOffice, save it, and upload it again.",
                            cell=column_letter(index) + str(number), formula=text[:60]))
        return Sheet(rows, "xlsx", f"Excel workbook, sheet “{chosen.title}”", notes)
    finally:
        workbook.close()
        if formulas is not None:
            formulas.close()


def _sheet_rows(sheet, budget: _Budget) -> list[tuple[int, list[str]]]:
    """A worksheet's rows as text, numbered as Excel numbers them (gaps kept as blank rows)."""
    rows: list[tuple[int, list[str]]] = []
    number = 0
    for cells in sheet.iter_rows():
        number = next((c.row for c in cells if getattr(c, "row", None)), number + 1)
        if len(cells) > MAX_COLUMNS:
            raise FileRefused(s_("The sheet has more than %(columns)s columns.",
                                 columns=MAX_COLUMNS))
        budget.spend(max(len(cells), 1))
        rows.append((number, [_cell_text(getattr(c, "value", None)) for c in cells]))
        if len(rows) > MAX_ROWS + 10:
            raise FileRefused(s_("The sheet has more than %(rows)s rows.",
                                 rows=format(MAX_ROWS, ",")))
    return rows


def _has_formulas(content: bytes) -> bool:
    """Whether any worksheet of a workbook holds a formula (an <f> element)."""
    formula = re.compile(rb"<(?:\w+:)?f[\s>/]")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            for info in archive.infolist():
                if not info.filename.startswith("xl/worksheets/"):
                    continue
                with archive.open(info) as part:
                    read, tail = 0, b""
                    while chunk := part.read(1 << 20):
                        if formula.search(tail + chunk):
                            return True
                        tail, read = chunk[-8:], read + len(chunk)
                        if read > 400 << 20:  # a "zip bomb" is not a questionnaire
                            raise FileRefused(s_("This workbook unpacks to far more data than "
                                                 "a questionnaire holds; it was not read."))
    except (zipfile.BadZipFile, OSError, RuntimeError):
        return False
    return False


def _cell_text(value: object) -> str:
    """A spreadsheet cell as the text a person sees."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else \
            value.replace(microsecond=0).isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    # Excel's own escape for control characters in shared strings, e.g. _x000D_.
    return re.sub(r"_x000[dD]_", "", text)


__all__ = ["FileRefused", "Sheet", "Column", "Table", "read_sheet", "read_table",
           "column_letter", "check_archive", "MAX_ROWS", "MAX_COLUMNS", "MAX_CELLS"]
