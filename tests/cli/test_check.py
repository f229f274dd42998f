"""telecrm-import check: report, payloads, summary and exit codes, as cli.md says."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from telecrm_desktop.cli import main

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "telecrm_desktop" / "assets" / "samples" / "leads-sample.csv"
SAMPLE_MAPPING = ROOT / "telecrm_desktop" / "assets" / "samples" / "leads-sample.mapping.json"

TEMPLATE = {
    "format": "telecrm-mapping/1",
    "columns": {
        "Name": {"to": "fields.name"},
        "Mobile No.": {"to": "fields.phone"},
        "Note": {"to": "actions.ACTION_1001.note"},
        "Paid": {"to": "actions.PAYMENT.amount"},
    },
    "constants": {"actions.PAYMENT.currency": "INR", "actions.PAYMENT.status": "COMPLETED"},
}
ROWS = [
    ["Name", "Mobile No.", "Note", "Paid"],
    ["Asha", "98765 43210", "wants a call", ""],
    ["Ravi", "99999", "", ""],
    ["Asha Rao", "+91 98765 43210", "", "5,000"],
    ["=HYPERLINK(\"x\")", "", "", ""],
]


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch):
    monkeypatch.setenv("TELECRM_DESKTOP_HOME", str(tmp_path / "home"))


def sheet(tmp_path, rows=ROWS, template=TEMPLATE):
    path = tmp_path / "leads.csv"
    with open(path, "w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(rows)
    mapping = tmp_path / "leads.mapping.json"
    mapping.write_text(json.dumps(template), encoding="utf-8")
    return path, mapping


@pytest.mark.parametrize("workers", ["1", "2"])
def test_report_and_payloads_exactly(tmp_path, capsys, monkeypatch, workers):
    from telecrm_desktop.core.check import parallel

    # "2": two worker processes parse the file in 40-byte chunks, as they would a big file
    monkeypatch.setenv(parallel.WORKERS_ENV, workers)
    monkeypatch.setattr(parallel, "CHUNK_BYTES", 40)
    path, mapping = sheet(tmp_path)
    report, payloads = tmp_path / "report.csv", tmp_path / "payloads.jsonl"
    code = main(["check", str(path), "--mapping", str(mapping), "--report", str(report), "--payloads", str(payloads)])
    assert code == 1
    out, err = capsys.readouterr()
    assert out == "check: 4 rows: 2 ready, 2 invalid; 1 lead (1 merged duplicate)\n"
    assert "Traceback" not in err

    with open(report, encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.reader(handle))
    assert lines == [
        ["row", "identifier", "status", "reason", "warnings"],
        ["2", "919876543210", "ready", "", ""],
        ["3", "99999", "invalid",
         'Row 3, column "Mobile No.": "99999" is not a phone number: it has 5 digits, too few for country '
         "code +91, write the country code and the number, e.g. 919876543210. [phone.invalid]", ""],
        ["4", "919876543210", "ready", "", ""],
        ["5", "", "invalid", 'Row 5, column "Mobile No.": there is no phone ("Mobile No." is empty), telecrm '
                             "drops a lead without its identifier. [identifier.missing]", ""],
    ]
    assert [json.loads(line) for line in payloads.read_text(encoding="utf-8").splitlines()] == [{
        "rows": [2, 4],
        "identifier": "919876543210",
        "body": {
            "fields": {"name": "Asha Rao", "phone": "919876543210"},
            "actions": [{"type": "ACTION_1001", "fields": {"note": "wants a call"}},
                        {"type": "PAYMENT", "status": "COMPLETED", "currency": "INR", "amount": "5000"}],
        },
    }]


def test_every_row_ready_exits_0_and_a_bad_row_is_listed_without_a_report(tmp_path, capsys):
    path, mapping = sheet(tmp_path, ROWS[:2])
    assert main(["check", str(path), "--mapping", str(mapping)]) == 0
    assert capsys.readouterr().out == "check: 1 row: 1 ready, 0 invalid; 1 lead\n"
    path, mapping = sheet(tmp_path, ROWS[:3])
    assert main(["check", str(path), "--mapping", str(mapping)]) == 1
    err = capsys.readouterr().err
    assert 'Row 3, column "Mobile No.": "99999" is not a phone number' in err


def test_report_cells_never_run_as_formulas(tmp_path):
    template = {**TEMPLATE, "identifier": "name", "columns": {"Name": {"to": "fields.name"}}}
    path, mapping = sheet(tmp_path, [["Name"], ["=1+2"], ["@SUM(A1)"], ["-3"], ["+91"], ["plain"]], template)
    report = tmp_path / "report.csv"
    assert main(["check", str(path), "--mapping", str(mapping), "--report", str(report)]) == 0
    with open(report, encoding="utf-8-sig", newline="") as handle:
        identifiers = [line[1] for line in csv.reader(handle)][1:]
    assert identifiers == ["'=1+2", "'@SUM(A1)", "'-3", "'+91", "plain"]
    from telecrm_desktop.core.check.report import safe_cell

    assert [safe_cell(t) for t in ("\tx", "\rx", "", "a=b")] == ["'\tx", "'\rx", "", "a=b"]


def test_the_sample_sheet(tmp_path, capsys):
    report = tmp_path / "report.csv"
    assert main(["check", str(SAMPLE), "--mapping", str(SAMPLE_MAPPING), "--report", str(report)]) == 1
    assert capsys.readouterr().out == "check: 30 rows: 25 ready, 5 invalid; 24 leads (1 merged duplicate)\n"
    with open(report, encoding="utf-8-sig", newline="") as handle:
        statuses = [(line["row"], line["status"]) for line in csv.DictReader(handle)]
    assert [int(r) for r, _ in statuses] == list(range(2, 32))  # one line per data row, in order
    assert [int(r) for r, s in statuses if s == "invalid"] == [6, 11, 16, 21, 27]


def _usage_error(capsys, argv) -> str:
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 2, (out, err)
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("telecrm-import: "), err
    return lines[0]


def test_unreadable_inputs_exit_2_with_one_line(tmp_path, capsys):
    path, mapping = sheet(tmp_path)
    assert "was not found" in _usage_error(capsys, ["check", str(tmp_path / "nope.csv"), "--mapping", str(mapping)])
    binary = tmp_path / "photo.csv"
    binary.write_bytes(bytes(range(256)) * 64)
    _usage_error(capsys, ["check", str(binary), "--mapping", str(mapping)])
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert "empty" in _usage_error(capsys, ["check", str(empty), "--mapping", str(mapping)])
    assert "does not exist" in _usage_error(capsys, ["check", str(path), "--mapping", str(tmp_path / "no.json")])


def test_a_bad_template_exits_2_naming_the_key(tmp_path, capsys):
    path, mapping = sheet(tmp_path, template={**TEMPLATE, "date_order": "DD-MM"})
    assert '"date_order"' in _usage_error(capsys, ["check", str(path), "--mapping", str(mapping)])
    path, mapping = sheet(tmp_path, template={**TEMPLATE, "columns": {"Name": {"to": "fields.name"}}})
    assert 'identifier field "phone"' in _usage_error(capsys, ["check", str(path), "--mapping", str(mapping)])
    path, mapping = sheet(tmp_path, template={**TEMPLATE, "constants": {"actions.PAYMENT.status": "DONE"}})
    assert "actions.PAYMENT.status" in _usage_error(capsys, ["check", str(path), "--mapping", str(mapping)])


def test_a_report_that_cannot_be_written_exits_2(tmp_path, capsys):
    path, mapping = sheet(tmp_path)
    message = _usage_error(capsys, ["check", str(path), "--mapping", str(mapping),
                                    "--report", str(tmp_path / "no" / "such" / "folder.csv")])
    assert "cannot write the report" in message


def test_with_a_schema_file(tmp_path, capsys):
    from telecrm_desktop.core.workspace.schema import FieldDef, Schema
    from telecrm_desktop.core.workspace.schema_io import save_schema

    schema = Schema(fields={"phone": FieldDef("phone", "phone", is_identifier=True), "name": FieldDef("name", "text"),
                            "status": FieldDef("status", "status")},
                    active_statuses=("Fresh",), archived_statuses=("Old",), pulled_at="2026-11-24T07:00:00Z")
    schema_file = save_schema(schema, tmp_path / "schema.json")
    template = {"format": "telecrm-mapping/1", "columns": {"Mobile No.": {"to": "fields.phone"},
                                                           "Status": {"to": "fields.status"}}}
    path, mapping = sheet(tmp_path, [["Mobile No.", "Status"], ["9876543210", "Fresh"], ["9123456789", "Old"]], template)
    report = tmp_path / "report.csv"
    code = main(["check", str(path), "--mapping", str(mapping), "--schema", str(schema_file), "--report", str(report)])
    assert code == 1
    with open(report, encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.DictReader(handle))
    assert lines[1]["status"] == "invalid" and "[status.archived]" in lines[1]["reason"]
    # a template naming a field the workspace lacks does not fit it: exit 2
    template["columns"]["Name"] = {"to": "fields.Name"}
    path, mapping = sheet(tmp_path, [["Mobile No.", "Status", "Name"], ["9876543210", "Fresh", "A"]], template)
    code = main(["check", str(path), "--mapping", str(mapping), "--schema", str(schema_file)])
    assert code == 2
    assert "fields.Name" in capsys.readouterr().err


def test_as_a_separate_process(tmp_path):
    path, mapping = sheet(tmp_path)
    payloads = tmp_path / "out.jsonl"
    done = subprocess.run(
        [sys.executable, "-m", "telecrm_desktop.cli", "check", str(path), "--mapping", str(mapping),
         "--payloads", str(payloads)],
        capture_output=True, text=True, timeout=120, env={**os.environ, "TELECRM_DESKTOP_HOME": str(tmp_path / "h")},
    )
    assert done.returncode == 1
    assert done.stdout == "check: 4 rows: 2 ready, 2 invalid; 1 lead (1 merged duplicate)\n"
    assert len(payloads.read_text(encoding="utf-8").splitlines()) == 1


def test_progress_goes_to_stderr_as_plain_lines_when_not_a_terminal():
    import io

    from telecrm_desktop.cli.output import Progress, summary_line

    stream = io.StringIO()
    progress = Progress("checking", stream=stream, interval=0.0, tty=False)
    progress(2048, 0.5)
    progress.close()
    assert stream.getvalue().startswith("checking: 2,048 rows (50% of the file)")
    bar = io.StringIO()
    progress = Progress("checking", stream=bar, tty=True)
    progress.interval = 0.0
    progress(10, 0.25)
    progress.close()
    assert bar.getvalue().startswith("\rchecking [#######.......") and bar.getvalue().endswith("\n")
    assert summary_line("send", {"queued": 3, "failed": 1, "pending": 0}) == "send: 4 rows: 3 queued, 1 failed"


def test_the_template_sheet_is_ignored_for_a_csv_but_not_for_a_workbook(tmp_path, capsys):
    from openpyxl import Workbook

    path, mapping = sheet(tmp_path, ROWS[:2], {**TEMPLATE, "sheet": "Visitors"})
    assert main(["check", str(path), "--mapping", str(mapping)]) == 0
    book = Workbook()
    book.active.title = "Leads"
    book.active.append(ROWS[0])
    book.active.append(ROWS[1])
    book.save(tmp_path / "leads.xlsx")
    capsys.readouterr()
    message = _usage_error(capsys, ["check", str(tmp_path / "leads.xlsx"), "--mapping", str(mapping)])
    assert "Visitors" in message and "Leads" in message


def test_a_bad_enterprise_or_schema_file_exits_2(tmp_path, capsys):
    path, mapping = sheet(tmp_path)
    assert "24-character" in _usage_error(capsys, ["check", str(path), "--mapping", str(mapping), "--enterprise", "x1"])
    assert "does not exist" in _usage_error(capsys, ["check", str(path), "--mapping", str(mapping),
                                                     "--schema", str(tmp_path / "none.json")])


def test_a_check_imports_no_other_sub_command():
    import subprocess
    import sys

    code = ("import sys; from telecrm_desktop.cli import build_parser; build_parser(['check', 'x.csv']); "
            "print(sorted(m for m in sys.modules if m.startswith('telecrm_desktop.cli.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['telecrm_desktop.cli.check', 'telecrm_desktop.cli.existing', 'telecrm_desktop.cli.output', 'telecrm_desktop.cli.pipeline_input']"
