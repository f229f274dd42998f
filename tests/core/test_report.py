"""The check report (core.check.report): a ready row without findings takes a short cut past
csv.writer, which must write exactly what csv.writer writes."""

from __future__ import annotations

import csv
import io

import pytest

from telecrm_desktop.core.findings import Finding
from telecrm_desktop.core.check.pipeline import RowResult
from telecrm_desktop.core.check.report import REPORT_COLUMNS, ReportWriter, safe_cell

IDENTIFIERS = ["919876543210", "asha@example.com", "Asha Rao", " leading space", "=1+1", "+91 98765", "-5",
               "@home", "a,b", 'say "hi"', "two\nlines", "cr\rhere", "Zoë", "", None]


@pytest.mark.parametrize("status", ["ready", "invalid"])
def test_every_line_is_what_csv_writer_writes(tmp_path, status):
    path = tmp_path / "report.csv"
    writer = ReportWriter(path)
    warning = (Finding(3, "City", "Pnue", "dropdown.new_option", 'Row 3, column "City": "Pnue" is new.', "warning"),)
    expected = io.StringIO()
    plain = csv.writer(expected)
    plain.writerow(REPORT_COLUMNS)
    for number, identifier in enumerate(IDENTIFIERS, start=2):
        for warnings in ((), warning):
            writer.write_result(RowResult(number, identifier, status, (), warnings, {}, []))
            reason = "Row 3, column \"City\": \"Pnue\" is new. [dropdown.new_option]" if warnings else ""
            plain.writerow((number, safe_cell(identifier or ""), status, "", safe_cell(reason)))
    writer.close()
    assert path.read_bytes() == ("\ufeff" + expected.getvalue()).encode("utf-8")
