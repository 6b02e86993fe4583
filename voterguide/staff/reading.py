"""Reading a spreadsheet (CSV or XLSX) into a header row and numbered rows of text.

Nothing in a file is ever evaluated: formulas are read as their text, XML is parsed with
defusedxml (openpyxl uses it when installed), and no external link or entity is followed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field

#: Most rows and columns an import may have; larger files are refused, not truncated.
MAX_ROWS = 50_000
MAX_COLUMNS = 500


class FileRefused(ValueError):
    """The file as a whole cannot be read; the message says why and what to do."""


@dataclass
class Table:
    """A spreadsheet's header and its non-empty rows, numbered as the spreadsheet shows them."""

    headers: list[str]
    rows: list[tuple[int, list[str]]]
    notes: list[str] = field(default_factory=list)


def column_letter(index: int) -> str:
    """The spreadsheet letter of a zero-based column index: 0 -> A, 27 -> AB."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def read_table(file_name: str, content: bytes) -> Table:
    """Read a CSV or XLSX file; raises FileRefused with a plain reason."""
    if not content.strip():
        raise FileRefused("The file is empty.")
    if content.startswith(b"PK\x03\x04"):
        return _with_header(_xlsx_rows(content), [])
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileRefused("This is an old Excel .xls file. Open it in Excel or LibreOffice and "
                          "save it as .xlsx or CSV, then upload that.")
    for magic, kind in ((b"%PDF", "a PDF"), (b"\x89PNG", "a PNG image"), (b"\xff\xd8", "a JPEG "
                        "image"), (b"GIF8", "a GIF image"), (b"\x1f\x8b", "a gzip archive")):
        if content.startswith(magic):
            raise FileRefused(f"This file is {kind}, not a spreadsheet. Upload a CSV or an "
                              ".xlsx file.")
    text, notes = _decode(content)
    if text.lstrip()[:15].lower().startswith(("<!doctype", "<html")):
        raise FileRefused("This file is a web page, not a spreadsheet. Upload a CSV or an "
                          ".xlsx file.")
    return _with_header(_csv_rows(text), notes)


def _decode(content: bytes) -> tuple[str, list[str]]:
    """Text from bytes: UTF-16 or UTF-8 (with or without a BOM), else Windows-1252."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return content.decode("utf-16"), []
        except UnicodeDecodeError as error:
            raise FileRefused("The file says it is UTF-16 text but is not.") from error
    if b"\x00" in content:
        raise FileRefused("This file is not a spreadsheet (it holds binary data). Upload a CSV "
                          "or an .xlsx file.")
    try:
        return content.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    try:
        text = content.decode("cp1252")
    except UnicodeDecodeError:
        text = content.decode("latin-1")
    return text, ["The file is not UTF-8; it was read as Windows-1252 (Excel's usual CSV "
                  "encoding). Check accented names in the preview."]


def _csv_rows(text: str) -> list[list[str]]:
    """The rows of CSV text, its delimiter (comma, semicolon or tab) guessed from the start."""
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    rows = []
    try:
        for row in reader:
            rows.append(row)
            if len(rows) > MAX_ROWS + 1:
                raise FileRefused(f"The file has more than {MAX_ROWS:,} rows.")
    except csv.Error as error:
        raise FileRefused(f"Row {reader.line_num} cannot be read as CSV: {error}.") from error
    return rows


def _xlsx_rows(content: bytes) -> list[list[str]]:
    """The rows of the first sheet of an XLSX workbook, every cell as text."""
    import openpyxl  # imported here: only staff imports need it

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False,
                                          keep_links=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as error:
        raise FileRefused("This file is a ZIP archive but not an Excel workbook. Upload a CSV "
                          "or an .xlsx file.") from error
    except Exception as error:  # openpyxl raises assorted errors on damaged workbooks
        raise FileRefused(f"This workbook cannot be read ({type(error).__name__}). Open it "
                          "in Excel or LibreOffice and save it again as .xlsx.") from error
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for values in sheet.iter_rows(values_only=True):
            if len(values) > MAX_COLUMNS:
                raise FileRefused(f"The sheet has more than {MAX_COLUMNS} columns.")
            rows.append([_cell_text(v) for v in values])
            if len(rows) > MAX_ROWS + 1:
                raise FileRefused(f"The sheet has more than {MAX_ROWS:,} rows.")
        return rows
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    """A spreadsheet cell as the text a person sees (formulas as their text, never run)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _with_header(rows: list[list[str]], notes: list[str]) -> Table:
    """Split off the header row; drop empty rows; pad rows to the header's width."""
    numbered = [(number, row) for number, row in enumerate(rows, start=1)
                if any(cell.strip() for cell in row)]
    if not numbered:
        raise FileRefused("The file is empty.")
    (_, header), body = numbered[0], numbered[1:]
    while header and not header[-1].strip():
        header = header[:-1]
    width = len(header)
    if not body:
        raise FileRefused("The file has a header row but no rows of candidates under it.")
    return Table([h.strip() for h in header],
                 [(number, [c.strip() for c in (row + [""] * width)[:width]])
                  for number, row in body], notes)
