"""results.xlsx is written straight into its zip (core.send.xlsx_stream): read back by openpyxl, it
holds what openpyxl's own write-only workbook holds for the same cells: values, types, number
formats, the bold header, the sheets."""

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


def _reference(path, header, rows, sheet_rows):
    """The same cells through openpyxl's write-only workbook, as results.xlsx was written before."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = openpyxl.Workbook(write_only=True)
    sheets, sheet, left = 0, None, 0
    for values in rows:
        if left == 0:
            sheets += 1
            sheet = book.create_sheet("Results" if sheets == 1 else f"Results ({sheets})")
            cells = [WriteOnlyCell(sheet, value=h) for h in header]
            for cell in cells:
                cell.font = Font(bold=True)
            sheet.append(cells)
            left = sheet_rows - 1
        cells = []
        for v in values:
            cell = WriteOnlyCell(sheet, value=v)
            if isinstance(v, str):
                cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
        left -= 1
    book.save(path)


def _cells(path):
    book = openpyxl.load_workbook(path)
    return book.sheetnames, {name: [[(c.value, c.data_type, c.number_format, bool(c.font.b)) for c in row]
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
    assert first[0][1] == ("a & b <c>", "s", "General", True)  # the header, bold
    assert first[1][1][:2] == ('=HYPERLINK("http://x")', "s")  # text, never a formula
    assert first[1][2][0] == "  leading and trailing  "
    with zipfile.ZipFile(tmp_path / "streamed.xlsx") as archive:
        assert archive.testzip() is None
        assert archive.namelist()[0] == "[Content_Types].xml"
