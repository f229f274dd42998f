"""The fast Excel-like .xlsx writer of the benchmarks holds what the openpyxl-written sheet holds."""

from __future__ import annotations

import zipfile

import openpyxl
import python_calamine

from bench import data
from telecrm_desktop.core.sources.xlsx_stream import SheetStream


def test_excel_like_sheet_reads_back_as_the_openpyxl_one(tmp_path):
    by_openpyxl = data.write_xlsx(tmp_path / "openpyxl.xlsx", 200, seed=3)
    excel_like = data.write_excel_like_xlsx(tmp_path / "excel.xlsx", 200, seed=3)
    with zipfile.ZipFile(excel_like) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
        assert b't="s"' in sheet and b"inlineStr" not in sheet  # strings shared, as Excel saves them
        assert b"<si><t>Full Name</t></si>" in archive.read("xl/sharedStrings.xml")

    def openpyxl_values(path):
        book = openpyxl.load_workbook(path)
        return [[cell.value for cell in row] for row in book["Leads"].iter_rows()]

    expected = openpyxl_values(by_openpyxl)
    assert len(expected) == 201 and expected[0] == data.HEADERS
    assert openpyxl_values(excel_like) == [[None if v == "" else v for v in row] for row in expected]

    def calamine_values(path):
        return python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Leads").to_python()

    calamine = calamine_values(excel_like)
    assert calamine == calamine_values(by_openpyxl)
    streamed = [list(r.cells) for r in SheetStream(excel_like, "Leads").records()]
    assert streamed == [[None if v == "" else v for v in row] for row in calamine]
