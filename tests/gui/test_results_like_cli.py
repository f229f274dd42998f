"""The app and the command line write the same result files for the same sheet and corrections:
a sheet corrected in the app's Review step (typed into the table, checked on spawned workers) gives
the result files `telecrm-import send` gives for the sheet with those cells corrected on disk."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from telecrm_desktop.cli import main as cli_main
from telecrm_desktop.core.check import parallel
from telecrm_desktop.gui.bridge import check_worker
from telecrm_desktop.gui.bridge import pipeline_bridge, sandbox_link
from telecrm_desktop.gui.flow_driver import FlowDriver, wait_until

HEADERS = ["Full Name", "Mobile No.", "E-mail ID", "City", "Company"]
MAPPING = {
    "format": "telecrm-mapping/1",
    "name": "same as the command line",
    "identifier": "phone",
    "country": "IN",
    "columns": {
        "Full Name": {"to": "fields.name"},
        "Mobile No.": {"to": "fields.phone", "type": "phone"},
        "E-mail ID": {"to": "fields.email", "type": "email"},
        "City": {"to": "fields.city"},
        "Company": {"to": "fields.company_name"},
    },
}
BAD_EMAIL_ROW = 40  # the sheet's row whose e-mail is corrected (lead 38)


def sheet_rows(count: int, corrected: bool) -> list[list[str]]:
    rows = [HEADERS]
    for i in range(count):
        phone = "12345" if i % 97 == 5 else f"98{i % 700:08d}"  # invalid ones, and leads met twice
        email = f"lead{i}@example.com" if i % 53 != 38 else f"lead{i} at example"
        if corrected and i + 2 == BAD_EMAIL_ROW:
            email = "fixed38@example.com"
        rows.append([f"Lead {i}", phone, email, f"  City {i % 9} ", "=cmd|' /C calc'!A0" if i == 3 else "Acme"])
    return rows


def write(path: Path, rows) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    return path


def workbook_values(path: Path) -> list[tuple]:
    book = openpyxl.load_workbook(path, read_only=True)
    return [row for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)]


def test_the_apps_result_files_are_the_command_lines(window, qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(parallel, "MIN_ROWS", 0)
    monkeypatch.setattr(check_worker, "PARALLEL_FROM_ROWS", 0)  # the app's check on spawned workers, as for a big sheet
    monkeypatch.setattr(sandbox_link, "SANDBOX_RATE_PER_WINDOW", 1_000_000)
    count = 400
    sheet = write(tmp_path / "leads.csv", sheet_rows(count, corrected=False))
    template = tmp_path / "leads.mapping.json"
    template.write_text(json.dumps(MAPPING), encoding="utf-8")

    driver = FlowDriver(window, timeout=60)
    driver.use_sandbox()
    driver.open_file(sheet)
    driver.apply_template(template)
    driver.review()
    review = window.review_screen
    model = review.model
    index = model.index(model.view_row_of_position(model.position_of_number(BAD_EMAIL_ROW)),
                        model.column_index("E-mail ID"))
    review.view.setCurrentIndex(index)
    review.view.edit(index)
    editor = review.view.viewport().findChild(QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, "fixed38@example.com")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(window.session.edits), timeout=2000)  # the view commits queued
    assert window.session.edits == {BAD_EMAIL_ROW: {"E-mail ID": "fixed38@example.com"}}
    wait_until(lambda: window.session.check is not None and not review.is_checking(), 60, "the check again")
    driver.send()
    (run,) = pipeline_bridge.past_runs()
    app_run = Path(run.results_dir)

    server = sandbox_link.sandbox_server()
    (tmp_path / "cli").mkdir()
    corrected = write(tmp_path / "cli" / "leads.csv", sheet_rows(count, corrected=True))
    home = tmp_path / "cli-home"
    monkeypatch.setenv("TELECRM_DESKTOP_HOME", str(home))
    monkeypatch.setenv("TELECRM_ASYNC_TOKENS", ",".join(t.value for t in server.async_tokens))
    schema = window.session.schema
    from telecrm_desktop.core.workspace.schema_io import save_schema

    schema_file = save_schema(schema, tmp_path / "sandbox.schema.json")
    code = cli_main(["send", str(corrected), "--mapping", str(template), "--enterprise", server.enterprise_id,
                     "--base-url", server.base_url, "--schema", str(schema_file), "--send-all",
                     "--rate-per-hour", "1000000"])
    assert code == 1  # invalid rows held back, as in the app
    cli_run = home / "runs" / "1"

    app_csv = (app_run / "results.csv").read_text(encoding="utf-8-sig")
    cli_csv = (cli_run / "results.csv").read_text(encoding="utf-8-sig")
    assert app_csv.splitlines()[0] == cli_csv.splitlines()[0]
    assert app_csv == cli_csv
    assert f"{BAD_EMAIL_ROW},9198000000" in app_csv and "fixed38@example.com" in app_csv
    for name in ("results.xlsx", "needs-attention.xlsx"):
        assert workbook_values(app_run / name) == workbook_values(cli_run / name), name
