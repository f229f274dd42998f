"""Result files, read back with real readers: statuses, highlighting, and no formula can run."""

from __future__ import annotations

import csv
import datetime as dt

import openpyxl

from telecrm_desktop.core.send.results import ResultRow, write_report_csv, write_run_results

HEADERS = ["Name", "Mobile No.", "Note"]
ROWS = [
    ResultRow(2, "919800000001", "queued", values=("Asha", "9800000001", "=HYPERLINK(\"http://x\")")),
    ResultRow(3, "", "invalid", "column \"Mobile No.\": \"99999\" is not a phone number", "",
              ("+Ravi", "99999", "@SUM(A1)"), [("Mobile No.", "\"99999\" is not a phone number")]),
    ResultRow(4, "919800000003", "failed", "telecrm answered 400: bad", "-warn",
              ("\tTab", 9800000003, dt.datetime(2026, 1, 2, 10, 30, tzinfo=dt.timezone.utc))),
    ResultRow(5, "919800000004", "uncertain", "no answer came", "", ("\rCR", "9800000004", None)),
    ResultRow(6, "919800000005", "unchanged", values=("Meera", "9800000005", "ok")),
]


def test_csv_and_xlsx_hold_every_row_and_neutralise_formulas(tmp_path):
    files = write_run_results(tmp_path / "run", HEADERS, ROWS, header_row=1)
    with open(files.csv, encoding="utf-8-sig", newline="") as f:
        lines = list(csv.reader(f))
    assert lines[0] == ["row", "identifier", "status", "reason", "warnings"] + HEADERS
    assert [l[2] for l in lines[1:]] == ["queued", "invalid", "failed", "uncertain", "unchanged"]
    cells = [c for line in lines[1:] for c in line]
    assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)
    assert "'=HYPERLINK(\"http://x\")" in cells and "'+Ravi" in cells and "'-warn" in cells

    sheet = openpyxl.load_workbook(files.xlsx).active
    values = [[c for c in row] for row in sheet.iter_rows(min_row=2)]
    assert [r[2].value for r in values] == ["queued", "invalid", "failed", "uncertain", "unchanged"]
    for row in values:
        for c in row:
            assert c.data_type != "f"  # nothing is a formula
    assert values[0][7].value == '=HYPERLINK("http://x")' and values[0][7].data_type == "s"
    assert values[2][6].value == 9800000003  # numbers stay numbers


def test_needs_attention_holds_only_rows_to_fix_with_bad_cells_marked(tmp_path):
    files = write_run_results(tmp_path / "run", HEADERS, ROWS, raw_headers=HEADERS, header_row=3)
    assert files.attention_rows == 3
    sheet = openpyxl.load_workbook(files.needs_attention).active
    assert sheet.cell(3, 1).value == "Name"  # the header stays on the template's header row
    assert [sheet.cell(3, i).value for i in range(1, 5)] == HEADERS + ["Why this row needs attention"]
    rows = list(sheet.iter_rows(min_row=4))
    assert [r[0].value for r in rows] == ["+Ravi", "\tTab", "\nCR"]  # XML reads a lone CR back as LF
    assert all(r[0].data_type == "s" for r in rows)
    phone = rows[0][1]
    assert phone.value == "99999" and phone.fill.fgColor.rgb.endswith("FFC7CE")
    assert "not a phone number" in phone.comment.text
    assert rows[0][0].comment is None
    assert rows[0][3].value.startswith("invalid: column")
    assert rows[1][3].value == "failed: telecrm answered 400: bad"
    assert rows[1][2].value == dt.datetime(2026, 1, 2, 10, 30)


def test_report_csv(tmp_path):
    assert write_report_csv(tmp_path / "r.csv", ROWS) == 5
    with open(tmp_path / "r.csv", encoding="utf-8-sig", newline="") as f:
        lines = list(csv.reader(f))
    assert lines[0] == ["row", "identifier", "status", "reason", "warnings"]
    assert lines[3] == ["4", "919800000003", "failed", "telecrm answered 400: bad", "'-warn"]


def test_rows_past_a_sheets_limit_go_on_to_a_second_sheet_under_the_same_header(tmp_path, monkeypatch):
    # Excel's sheet holds 1,048,576 rows with its header: a run of that many data rows does not fit
    # in one; here the limit is 4 rows so that 5 result rows need two sheets
    from telecrm_desktop.core.send import results

    monkeypatch.setattr(results, "SHEET_ROWS", 4)
    files = write_run_results(tmp_path / "run", HEADERS, ROWS, header_row=2)
    book = openpyxl.load_workbook(files.xlsx)
    assert book.sheetnames == ["Results", "Results (2)"]
    first, second = ([[c.value for c in row] for row in book[name].iter_rows()] for name in book.sheetnames)
    assert len(first) == 4 and first[0] == second[0] and first[0][:3] == ["row", "identifier", "status"]
    assert [r[0] for r in first[1:] + second[1:]] == [2, 3, 4, 5, 6]  # every row once, in order
    # needs attention: 3 rows under a header on row 2 (as the template expects): 2 rows fit a sheet
    book = openpyxl.load_workbook(files.needs_attention)
    assert book.sheetnames == ["Needs attention", "Needs attention (2)"]
    first, second = ([[c.value for c in row] for row in book[name].iter_rows()] for name in book.sheetnames)
    assert first[1] == second[1] == HEADERS + ["Why this row needs attention"]
    assert [r[1] for r in first[2:] + second[2:]] == ["99999", 9800000003, "9800000004"]
    with open(files.csv, encoding="utf-8-sig", newline="") as f:
        assert len(list(csv.reader(f))) == 6  # a CSV has no such limit
