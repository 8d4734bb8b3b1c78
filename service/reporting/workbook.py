"""XLSX of a bilan with openpyxl: a summary sheet, one sheet per table, numbers as numbers.

Counts are integers shown « 1 234 », rates fractions shown « 86,2 % », durations and ETP
decimals; Excel and LibreOffice print them with the reader's French separators. A figure hidden
from funders is the text the PDF prints (« moins de 5 », « masqué »).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from datetime import datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from service.reporting.framework import COUNT, MEAN, MEDIAN, RATE, RATIO, SUM

FORMATS = {COUNT: "#,##0", RATE: "0.0%", MEDIAN: "#,##0.0", MEAN: "#,##0.0",
           RATIO: "#,##0.0", SUM: "#,##0.##"}
MONEY = '#,##0.00 "€"'
HEADER = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1B365D")
TITLE = Font(bold=True, size=13, color="1B365D")
WRAP = Alignment(wrap_text=True, vertical="top")


def sheet_title(code: str, title: str, taken: set[str]) -> str:
    """A sheet name Excel accepts: 31 characters, no []:*?/\\, unique."""
    name = re.sub(r"[\[\]:*?/\\]", " ", f"{code} {title}")[:31].strip().strip("'")
    base, i = name, 2
    while name.lower() in taken:
        name = f"{base[:28]} {i}"
        i += 1
    taken.add(name.lower())
    return name


def new_workbook(title: str, issued_at: datetime, author: str) -> Workbook:
    book = Workbook()
    book.properties.title = title
    book.properties.creator = author
    # Fixed dates: rendering the same version again gives the same cells and properties.
    book.properties.created = book.properties.modified = issued_at.replace(tzinfo=None)
    return book


def cover(sheet, title: str, lines: Iterable[str]) -> None:
    sheet["A1"] = title
    sheet["A1"].font = TITLE
    for row, line in enumerate(lines, start=3):
        sheet.cell(row=row, column=1, value=line).alignment = WRAP
    sheet.column_dimensions["A"].width = 110


def table_sheet(sheet, title: str, definition: str, headings: list[str],
                rows: Iterable[tuple[str, Sequence[tuple[object, str | None]], bool]]) -> None:
    """Title, definition, headings, then rows: (label, [(value, number format)], is_total)."""
    sheet["A1"] = title
    sheet["A1"].font = TITLE
    sheet["A2"] = definition
    sheet["A2"].alignment = WRAP
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(headings))
    sheet.row_dimensions[2].height = 45
    for column, heading in enumerate(headings, start=1):
        cell = sheet.cell(row=4, column=column, value=heading)
        cell.font, cell.fill = HEADER, HEADER_FILL
    for r, (label, values, total) in enumerate(rows, start=5):
        sheet.cell(row=r, column=1, value=label).font = Font(bold=total)
        for c, (value, fmt) in enumerate(values, start=2):
            cell = sheet.cell(row=r, column=c, value=value)
            cell.font = Font(bold=total)
            if fmt and not isinstance(value, str):
                cell.number_format = fmt
            else:
                cell.alignment = Alignment(horizontal="right")
    sheet.column_dimensions["A"].width = 62
    for letter in "BCDEFG"[: len(headings) - 1]:
        sheet.column_dimensions[letter].width = 18
    sheet.freeze_panes = "B5"


def saved(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
