"""A workbook opens on the sheet that looks like the data: the most rows under a detected header,
whatever sheet comes first; a sheet asked for by name always wins."""

import xlwt

from telecrm_desktop.core.sources import open_sheet, read_table

from tests.core.test_sources_workbooks import write_ods, write_xlsx


def summary_then_leads(leads=12):
    cells = {"A1": "Expo 2026", "A3": "Name", "B3": "Mobile No."}
    for i in range(leads):
        cells[f"A{4 + i}"] = f"Lead {i}"
        cells[f"B{4 + i}"] = f"98{i:08d}"
    return {"Summary": {"A1": "Total leads", "B1": leads}, "Leads": cells, "Notes": {"A1": "note", "A2": "x", "A3": "y"}}


def test_xlsx_opens_on_the_sheet_with_the_most_rows_under_a_header(tmp_path):
    path = write_xlsx(tmp_path / "expo.xlsx", summary_then_leads())
    source = open_sheet(path)
    assert source.sheet == "Leads" and source.sheet_chosen == "data"
    table = read_table(source)
    assert table.header_row == 3 and len(list(table.rows())) == 12


def test_a_sheet_asked_for_by_name_wins(tmp_path):
    path = write_xlsx(tmp_path / "expo.xlsx", summary_then_leads())
    source = open_sheet(path, sheet="Notes")
    assert source.sheet == "Notes" and source.sheet_chosen == "asked"


def test_the_first_sheet_stays_when_it_is_the_data(tmp_path):
    sheets = summary_then_leads()
    path = write_xlsx(tmp_path / "first.xlsx", {"Leads": sheets["Leads"], "Summary": sheets["Summary"]})
    source = open_sheet(path)
    assert source.sheet == "Leads" and source.sheet_chosen == "first"


def test_xls_and_ods_pick_the_data_sheet_too(tmp_path):
    book = xlwt.Workbook()
    book.add_sheet("Summary").write(0, 0, "Totals")
    leads = book.add_sheet("Leads")
    leads.write(0, 0, "Name")
    leads.write(0, 1, "Phone")
    for i in range(5):
        leads.write(1 + i, 0, f"Lead {i}")
        leads.write(1 + i, 1, f"98{i:08d}")
    book.save(str(tmp_path / "legacy.xls"))
    assert open_sheet(tmp_path / "legacy.xls").sheet == "Leads"

    from odf.opendocument import load
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    path = write_ods(tmp_path / "fair.ods", [["Name", "Phone"]] + [[f"Lead {i}", 9800000000 + i] for i in range(6)])
    document = load(str(path))
    summary = Table(name="Summary")
    row = TableRow()
    cell = TableCell(valuetype="string")
    cell.addElement(P(text="Totals"))
    row.addElement(cell)
    summary.addElement(row)
    document.spreadsheet.insertBefore(summary, document.spreadsheet.getElementsByType(Table)[0])
    document.save(str(path))
    source = open_sheet(path)
    assert source.sheet_names == ["Summary", "Leads"] and source.sheet == "Leads"
