"""The result workbooks are written straight into their zip (core.send.xlsx_stream): read back by
openpyxl, they hold what openpyxl's own write-only workbook holds for the same cells: values, types,
number formats, the bold header, blank rows above it, marked cells' fill and comment, the sheets."""

from __future__ import annotations

import datetime as dt
import zipfile

import openpyxl
import pytest

from telecrm_desktop.core.send.xlsx_stream import StreamedSheets

HEADER = ["row", "a & b <c>", " padded ", "Ünïcødé", "when"]
ROWS = [
    [2, "=HYPERLINK(\"http://x\")", "  leading and trailing  ", "line\nbreak\r\nand tab\t", dt.datetime(2026, 1, 2, 10, 30, 5)],
    [3, "", None, True, dt.date(2026, 2, 28)],
    [4, "x" * 32_767, 1.5, False, dt.time(13, 45, 7)],
    [5, "<b>not bold</b> & 'quoted' \"too\"", 12345678901234, -0.000123, dt.timedelta(hours=27, minutes=3)],
    [6, "日本語 😀", 10**15 + 0.25, 0, dt.datetime(1900, 3, 1)],
]


MARKS = [{1: "a comment", 4: "two\nlines"}, {}, {0: "on a number"}, {}, {2: "  spaced & <odd>  "}]


def _reference(path, header, rows, sheet_rows, marks=None, blank_rows=0):
    """The same cells through openpyxl's write-only workbook, as the result files were written before."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    book = openpyxl.Workbook(write_only=True)
    sheets, sheet, left = 0, None, 0
    for number, values in enumerate(rows):
        if left == 0:
            sheets += 1
            sheet = book.create_sheet("Results" if sheets == 1 else f"Results ({sheets})")
            for _ in range(blank_rows):
                sheet.append([])
            cells = [WriteOnlyCell(sheet, value=h) for h in header]
            for cell in cells:
                cell.font = Font(bold=True)
            sheet.append(cells)
            left = sheet_rows - 1 - blank_rows
        cells = []
        for column, v in enumerate(values):
            cell = WriteOnlyCell(sheet, value=v)
            if isinstance(v, str):
                cell.data_type = "s"
            note = (marks or [{}] * len(rows))[number].get(column)
            if note:
                cell.fill = PatternFill("solid", fgColor="FFC7CE")
                cell.comment = Comment(note, "telecrm import")
            cells.append(cell)
        sheet.append(cells)
        left -= 1
    book.save(path)


def _cells(path):
    book = openpyxl.load_workbook(path)
    return book.sheetnames, {name: [[(c.value, c.data_type, c.number_format, bool(c.font.b), c.fill.fgColor.rgb,
                                      c.comment and (c.comment.text, c.comment.author)) for c in row]
                                    for row in book[name].iter_rows()] for name in book.sheetnames}


@pytest.mark.parametrize("sheet_rows", [1_048_576, 3])
def test_the_streamed_workbook_reads_back_as_openpyxls_own(tmp_path, sheet_rows):
    streamed = StreamedSheets(tmp_path / "streamed.xlsx", "Results", HEADER, sheet_rows)
    for values in ROWS:
        streamed.append(values)
    streamed.close()
    _reference(tmp_path / "reference.xlsx", HEADER, ROWS, sheet_rows)
    names, cells = _cells(tmp_path / "streamed.xlsx")
    assert (names, cells) == _cells(tmp_path / "reference.xlsx")
    assert len(names) == (1 if sheet_rows > len(ROWS) else 3)
    first = cells["Results"]
    assert first[0][1][:4] == ("a & b <c>", "s", "General", True)  # the header, bold
    assert first[1][1][:2] == ('=HYPERLINK("http://x")', "s")  # text, never a formula
    assert first[1][2][0] == "  leading and trailing  "
    with zipfile.ZipFile(tmp_path / "streamed.xlsx") as archive:
        assert archive.testzip() is None
        assert "[Content_Types].xml" in archive.namelist()


@pytest.mark.parametrize("sheet_rows", [1_048_576, 4])
def test_marked_cells_are_filled_and_commented_as_openpyxl_does(tmp_path, sheet_rows):
    streamed = StreamedSheets(tmp_path / "streamed.xlsx", "Results", HEADER, sheet_rows, blank_rows=2)
    for values, marks in zip(ROWS, MARKS):
        streamed.append(values, marks)
    streamed.close()
    _reference(tmp_path / "reference.xlsx", HEADER, ROWS, sheet_rows, MARKS, blank_rows=2)
    names, cells = _cells(tmp_path / "streamed.xlsx")
    assert (names, cells) == _cells(tmp_path / "reference.xlsx")
    marked = cells["Results"][3][1]  # below two blank rows and the header
    assert marked[0] == '=HYPERLINK("http://x")' and marked[4].endswith("FFC7CE") and marked[5][0] == "a comment"


NUMBERS_AND_DATES = [0, -5, 1.5, 1 / 3, -0.0, 10**20, 123456789012345678, 2.5e-300, float("nan"), float("inf"),
                     dt.date(1900, 1, 1), dt.date(1900, 2, 28), dt.date(1900, 3, 1), dt.date(1899, 12, 30),
                     dt.date(1850, 1, 1), dt.datetime(1900, 2, 1, 12, 30, 15, 500),
                     dt.datetime(2024, 2, 29, 23, 59, 59, 999_999), dt.time(13, 5, 7, 12),
                     dt.timedelta(days=3, seconds=5), dt.timedelta(seconds=-7)]


@pytest.mark.parametrize("value", NUMBERS_AND_DATES, ids=repr)
def test_a_number_or_date_is_written_as_openpyxl_writes_it(value):
    from openpyxl.compat.strings import safe_string
    from openpyxl.utils.datetime import to_excel

    from telecrm_desktop.core.send.xlsx_stream import _excel_serial, _number

    if isinstance(value, (int, float)):
        assert _number(value) == safe_string(value)
    else:
        assert _number(_excel_serial(value)) == safe_string(to_excel(value))


def test_writing_a_workbook_does_not_import_openpyxl(tmp_path):
    """openpyxl's package import costs the result-file process about 12 MB (with Pillow)."""
    import subprocess
    import sys

    script = ("import sys, datetime as dt\n"
              "from telecrm_desktop.core.send.xlsx_stream import StreamedSheets\n"
              f"sheets = StreamedSheets({str(tmp_path / 'r.xlsx')!r}, 'Results', ['a', 'b'], 10)\n"
              "sheets.append([1.5, dt.date(2026, 1, 2)], {0: 'note'})\n"
              "sheets.close()\n"
              "print(sorted(m for m in sys.modules if m.startswith(('openpyxl', 'PIL'))))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
    assert openpyxl.load_workbook(tmp_path / "r.xlsx").active["A2"].value == 1.5
