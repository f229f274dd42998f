"""Workbooks read with python-calamine: .xlsx (openpyxl), .xls (xlwt), .ods (odfpy)."""

import datetime as dt

import openpyxl
import pytest
import xlwt

from telecrm_desktop.core.sources import open_sheet, read_table
from telecrm_desktop.core.sources.table import SourceError


def write_xlsx(path, sheets):
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, cells in sheets.items():
        sheet = book.create_sheet(name)
        for ref, value in cells.items():
            sheet[ref] = value
    book.save(path)
    return path


def expo_sheet():
    return {
        "A1": "Expo 2026 visitors",
        "A3": "Name", "B3": "Mobile No.", "C3": "Visited on", "D3": "Total", "E3": "Email", "F3": "Email",
        "A4": "Asha", "B4": 919876543210, "C4": dt.date(2026, 1, 15), "D4": "=2+3", "E4": "a@x.in",
        "A5": "Ravi", "B5": 9876543211, "C5": dt.datetime(2026, 1, 16, 9, 30), "E5": "r@x.in", "G5": "stray",
    }


def test_xlsx_title_row_types_and_names(tmp_path):
    path = write_xlsx(tmp_path / "expo.xlsx", {"Visitors": expo_sheet(), "Notes": {"A1": "x"}})
    source = open_sheet(path)
    assert source.kind == "xlsx"
    assert source.sheet_names == ["Visitors", "Notes"] and source.sheet == "Visitors"
    assert source.encoding is None and source.delimiter is None
    table = read_table(source)
    assert table.header_row == 3
    assert table.headers == ["Name", "Mobile No.", "Visited on", "Total", "Email", "Email (2)", "Column G"]
    assert table.raw_headers == ["Name", "Mobile No.", "Visited on", "Total", "Email", "Email", ""]
    rows = list(table.rows())
    assert [r.number for r in rows] == [4, 5]
    first, second = rows[0].values, rows[1].values
    # numbers stay numbers (the converters turn 919876543210.0 into a phone), dates stay dates
    assert first[1] == 919876543210 and isinstance(first[1], float)
    assert first[2] == dt.date(2026, 1, 15)
    assert second[2] == dt.datetime(2026, 1, 16, 9, 30)
    # openpyxl saves formulas without a cached result; calamine then reads the cell as empty
    assert first[3] is None
    assert second[6] == "stray" and first[5] is None


def test_record_numbers_and_columns_match_the_spreadsheet(tmp_path):
    """Data that starts at B5 still reports row 5 and keeps column A (calamine trims it)."""
    path = write_xlsx(tmp_path / "offset.xlsx", {"S": {"C2": "Leads", "B5": "Name", "C5": "Phone", "B6": "A", "C6": 1}})
    source = open_sheet(path)
    records = source.preview(10)
    assert [r.number for r in records] == [1, 2, 3, 4, 5, 6]
    assert records[1].cells == (None, None, "Leads")
    assert records[4].cells == (None, "Name", "Phone")
    table = read_table(source)
    assert table.header_row == 5 and table.headers == ["Column A", "Name", "Phone"]


def test_sheet_by_name_and_unknown_sheet(tmp_path):
    path = write_xlsx(tmp_path / "two.xlsx", {"First": {"A1": "Name", "A2": "x"}, "Leads": {"A1": "Phone", "A2": 5}})
    source = open_sheet(path, sheet="Leads")
    assert source.sheet == "Leads"
    assert [r.cells for r in source.records()] == [("Phone",), (5.0,)]
    with pytest.raises(SourceError) as raised:
        open_sheet(path, sheet="Sheet9")
    assert str(raised.value) == 'two.xlsx has no sheet called "Sheet9"; its sheets are "First", "Leads".'


def test_xlsm_and_wrong_extension_are_read_by_content(tmp_path):
    path = write_xlsx(tmp_path / "macro.xlsm", {"S": {"A1": "Name", "A2": "x"}})
    assert open_sheet(path).kind == "xlsx"
    renamed = tmp_path / "really_excel.csv"
    renamed.write_bytes(path.read_bytes())
    source = open_sheet(renamed)
    assert source.kind == "xlsx" and [r.cells for r in source.records()] == [("Name",), ("x",)]


def test_estimate_and_progress(tmp_path):
    book = openpyxl.Workbook()
    for i in range(1, 302):
        book.active.append(["Name", i])
    path = tmp_path / "n.xlsx"
    book.save(path)
    source = open_sheet(path)
    assert source.estimated_records() == 301
    iterator = source.records()
    for _ in range(150):
        next(iterator)
    assert 0.45 < source.progress() < 0.55


def test_legacy_xls_written_by_xlwt(tmp_path):
    book = xlwt.Workbook()
    sheet = book.add_sheet("Leads")
    sheet.write(0, 0, "Campaign list")
    for col, name in enumerate(["Name", "Phone", "Joined", "VIP"]):
        sheet.write(2, col, name)
    sheet.write(3, 0, "Asha")
    sheet.write(3, 1, 919876543210)
    sheet.write(3, 2, dt.datetime(2026, 2, 1, 10, 0), xlwt.easyxf(num_format_str="DD/MM/YYYY hh:mm"))
    sheet.write(3, 3, True)
    book.add_sheet("Other")
    path = tmp_path / "legacy.xls"
    book.save(str(path))
    source = open_sheet(path)
    assert source.kind == "xls" and source.sheet_names == ["Leads", "Other"]
    table = read_table(source)
    assert table.header_row == 3 and table.headers == ["Name", "Phone", "Joined", "VIP"]
    (row,) = list(table.rows())
    assert row.number == 4
    assert row.values == ("Asha", 919876543210.0, dt.datetime(2026, 2, 1, 10, 0), True)


def write_ods(path, rows, sheet_name="Leads"):
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    table = Table(name=sheet_name)
    for values in rows:
        row = TableRow()
        for value in values:
            if value is None:
                row.addElement(TableCell())
            elif isinstance(value, (int, float)):
                cell = TableCell(valuetype="float", value=value)
                cell.addElement(P(text=str(value)))
                row.addElement(cell)
            elif isinstance(value, dt.date):
                cell = TableCell(valuetype="date", datevalue=value.isoformat())
                cell.addElement(P(text=value.isoformat()))
                row.addElement(cell)
            else:
                cell = TableCell(valuetype="string")
                cell.addElement(P(text=value))
                row.addElement(cell)
        table.addElement(row)
    document.spreadsheet.addElement(table)
    document.save(str(path))
    return path


def test_ods_written_by_odfpy(tmp_path):
    path = write_ods(tmp_path / "leads.ods", [
        ["Fair visitors"], [None], ["Name", "Phone", "Date"], ["Asha", 919876543210, dt.date(2026, 3, 4)]])
    source = open_sheet(path)
    assert source.kind == "ods" and source.sheet_names == ["Leads"]
    table = read_table(source)
    assert table.header_row == 3 and table.headers == ["Name", "Phone", "Date"]
    (row,) = list(table.rows())
    assert row.number == 4
    assert row.values[0] == "Asha" and row.values[1] == 919876543210
    assert row.values[2] == dt.date(2026, 3, 4)


def test_empty_sheet_says_so(tmp_path):
    path = write_xlsx(tmp_path / "blank.xlsx", {"Empty": {}, "Leads": {"A1": "Name"}})
    with pytest.raises(SourceError, match='Sheet "Empty" of blank.xlsx is empty'):
        read_table(open_sheet(path))


def test_hidden_first_sheet_is_not_the_default(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "Lookup"
    book.active["A1"] = "code"
    book.active.sheet_state = "hidden"
    leads = book.create_sheet("Leads")
    leads["A1"] = "Name"
    book.save(tmp_path / "hidden.xlsx")
    source = open_sheet(tmp_path / "hidden.xlsx")
    assert source.sheet_names == ["Lookup", "Leads"] and source.sheet == "Leads"
    assert open_sheet(tmp_path / "hidden.xlsx", sheet="Lookup").sheet == "Lookup"


def test_formula_gives_the_value_excel_saved(tmp_path):
    """Excel stores a formula's last result beside it; openpyxl cannot, so the result is put in
    the XML the way Excel writes it."""
    import zipfile

    path = write_xlsx(tmp_path / "f.xlsx", {"S": {"A1": "Name", "B1": "Total", "A2": "Asha", "B2": "=2+3"}})
    parts = {}
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            parts[name] = archive.read(name)
    sheet_xml = parts["xl/worksheets/sheet1.xml"]
    assert b"<f>2+3</f><v />" in sheet_xml
    parts["xl/worksheets/sheet1.xml"] = sheet_xml.replace(b"<f>2+3</f><v />", b"<f>2+3</f><v>5</v>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    (row,) = list(read_table(open_sheet(path)).rows())
    assert row.values == ("Asha", 5.0)
