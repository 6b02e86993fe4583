"""Spreadsheets to upload, as bytes, built in the test (never read from the app's files)."""

from __future__ import annotations

import csv
import io

import openpyxl


def csv_bytes(rows: list[list[object]]) -> bytes:
    """Rows as CSV bytes."""
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    """Rows as an XLSX workbook; a cell starting with "=" is stored as text, as Excel stores
    what a person types after an apostrophe ('=SUM…), never as a formula."""
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
        for cell in workbook.active[workbook.active.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def wide_rows(question_text: str) -> list[list[str]]:
    """A wide survey export: two new candidates of the 6th circuit, one with markup in an
    answer, one whose answer a spreadsheet would run as a formula."""
    return [
        ["Timestamp", "Name", "District", "Party", "Incumbent", "Website",
         question_text, question_text + " — explanation", "Diversion programs",
         "Email address"],
        ["7/20/2028 9:00", "Rosa Import", "al-circuit-6", "Independent", "no",
         "rosa.example.org", "Yes", "Because <script>alert(1)</script> money should not decide.",
         "Strongly agree", "rosa@example.org"],
        ["7/21/2028", "Sam Formula", "6th Judicial Circuit", "", "", "", "No", "=SUM(A1:A9)",
         "2", ""],
    ]
