"""Open step: a workbook opens on the sheet that looks like the data, says how many sheets it has,
and a saved template's sheet wins."""

import json

from PySide6.QtCore import Qt

from tests.core.test_sources_workbooks import write_xlsx
from tests.core.test_sheet_choice import summary_then_leads


def test_workbook_opens_on_its_data_sheet_and_says_how_many_sheets(window, person, qtbot, tmp_path):
    path = write_xlsx(tmp_path / "expo.xlsx", summary_then_leads(12))
    person.use_sandbox()
    person.open_file(path)
    screen = window.open_screen
    assert screen.sheet_combo.currentText() == "Leads"
    assert len(window.session.sheet.rows) == 12
    assert screen.sheets_note.isVisible()
    assert screen.sheets_note.text() == ("This workbook has 3 sheets; “Leads” is open because it has the most "
                                         "rows under a header.")
    # the person picks another sheet from the list
    screen.sheet_combo.setFocus()
    qtbot.keyClick(screen.sheet_combo, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: not screen.is_loading() and window.session.sheet.source.sheet == "Notes", timeout=10000)
    assert screen.sheets_note.text() == "This workbook has 3 sheets."


def test_a_saved_templates_sheet_wins(window, person, tmp_path):
    sheets = summary_then_leads(3)
    archive = {"A1": "Name", "B1": "Mobile No."}
    for i in range(40):
        archive[f"A{2 + i}"], archive[f"B{2 + i}"] = f"Old {i}", f"97{i:08d}"
    path = write_xlsx(tmp_path / "fair.xlsx", {**sheets, "Archive": archive})
    (tmp_path / "fair.mapping.json").write_text(json.dumps({
        "format": "telecrm-mapping/1", "sheet": "Leads", "columns": {"Mobile No.": "fields.phone"}}), encoding="utf-8")
    person.use_sandbox()
    person.open_file(path)
    screen = window.open_screen
    assert screen.sheet_combo.currentText() == "Leads"
    assert "because the saved template for this file names it" in screen.sheets_note.text()
    assert screen.sheets_note.text().startswith("This workbook has 4 sheets")
