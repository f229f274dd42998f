"""telecrm-import check on an .xlsx too big for calamine: the streamed sheet checks as calamine's."""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
import pytest

from telecrm_desktop.cli import main
from telecrm_desktop.core.sources import workbook_size, xlsx_stream

TEMPLATE = {
    "format": "telecrm-mapping/1",
    "date_order": "DMY",
    "columns": {
        "Name": {"to": "fields.name"},
        "Mobile No.": {"to": "fields.phone", "type": "phone"},
        "Visit": {"to": "fields.visit_date", "type": "date"},
        "Budget": {"to": "fields.budget", "type": "number"},
    },
}


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch):
    monkeypatch.setenv("TELECRM_DESKTOP_HOME", str(tmp_path / "home"))


def check(tmp_path, name: str) -> tuple[int, str, str]:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Leads"
    sheet.append(["Leads from the expo"])
    sheet.append(["Name", "Mobile No.", "Visit", "Budget"])
    for n in range(60):
        phone = 919876543000 + n if n % 9 else "98765"  # every ninth phone too short
        sheet.append([f"Lead & Co {n}", phone, dt.datetime(2026, 3, 1, 9, 30) + dt.timedelta(days=n), n * 1000.5])
    sheet.append([])
    sheet.append(["Asha", 919876543001, dt.date(2026, 4, 1), "lots"])  # a merged duplicate, a bad number
    path = tmp_path / "leads.xlsx"
    book.save(path)
    mapping = tmp_path / "leads.mapping.json"
    mapping.write_text(json.dumps(TEMPLATE), encoding="utf-8")
    report, payloads = tmp_path / f"{name}.csv", tmp_path / f"{name}.jsonl"
    code = main(["check", str(path), "--mapping", str(mapping), "--report", str(report), "--payloads", str(payloads)])
    return code, report.read_text(encoding="utf-8-sig"), payloads.read_text(encoding="utf-8")


def test_streamed_sheet_checks_exactly_as_calamine_loaded_it(tmp_path, monkeypatch, capsys):
    streams = []
    original = xlsx_stream.SheetStream.records

    def counted(self, last_row=None):
        streams.append(last_row)
        return original(self, last_row)

    monkeypatch.setattr(xlsx_stream.SheetStream, "records", counted)
    by_calamine = check(tmp_path, "calamine")
    assert None not in streams  # only the preview's first rows came from the stream
    calamine_out = capsys.readouterr().out

    monkeypatch.setattr(workbook_size, "STREAM_ABOVE_CELLS", 50)
    streamed = check(tmp_path, "streamed")
    assert None in streams  # the whole sheet was streamed
    assert streamed == by_calamine
    assert capsys.readouterr().out == calamine_out
    assert by_calamine[0] == 1 and "Lead &amp;" not in by_calamine[2] and "Lead & Co 1" in by_calamine[2]
