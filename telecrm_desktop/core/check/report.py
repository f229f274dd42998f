"""The check report (CSV, one line per source data row) and the payloads file (JSONL, one per lead).

Cells that a spreadsheet would run as a formula (starting with = + - @, tab or carriage return)
get a leading apostrophe, so opening the report in Excel shows text and runs nothing.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import IO, Iterable

from telecrm_desktop.core.findings import Finding

REPORT_COLUMNS = ("row", "identifier", "status", "reason", "warnings")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(text: str) -> str:
    """`text` as a spreadsheet shows it, never as a formula."""
    if text and text[0] in _FORMULA_START:
        return "'" + text
    return text


def finding_text(finding: Finding) -> str:
    """One finding for a report cell: its sentence and its rule. `;` separates findings, so none inside."""
    return f"{finding.message.replace(';', ',')} [{finding.rule}]"


def findings_text(findings: Iterable[Finding]) -> str:
    return "; ".join(finding_text(f) for f in findings)


class ReportWriter:
    """Writes `row,identifier,status,reason,warnings` lines as rows are checked (or sent)."""

    def __init__(self, path: str | os.PathLike, extra_columns: tuple[str, ...] = ()) -> None:
        self.path = Path(path)
        # a byte-order mark: Excel opens it with the right characters (written by hand: the
        # utf-8-sig codec's Python encoder costs a call per line); newline="" as csv wants
        self._file: IO[str] = open(self.path, "w", encoding="utf-8", newline="")
        self._file.write("\ufeff")
        self._writer = csv.writer(self._file)
        self._writer.writerow(REPORT_COLUMNS + extra_columns)

    def write(self, row: int, identifier: str | None, status: str, reason: str = "", warnings: str = "",
              *extra: str) -> None:
        self._writer.writerow((row, safe_cell(identifier or ""), status, safe_cell(reason),
                               safe_cell(warnings), *map(safe_cell, extra)))

    def write_result(self, result) -> None:  # noqa: ANN001 - a pipeline RowResult
        """A checked row: `ready` or `invalid` with its reasons."""
        identifier = result.identifier
        if (not result.errors and not result.warnings and identifier and identifier[0] not in _FORMULA_START
                and "," not in identifier and '"' not in identifier and "\n" not in identifier
                and "\r" not in identifier):
            # most rows: the line csv.writer would write, without its cost per cell
            self._file.write(f"{result.row},{identifier},{result.status},,\r\n")
            return
        self.write(result.row, result.identifier, result.status,
                   findings_text(result.errors) if result.errors else "",
                   findings_text(result.warnings) if result.warnings else "")

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> "ReportWriter":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def write_payloads(path: str | os.PathLike, lines: Iterable[str]) -> int:
    """Write JSON lines (one per lead) to `path`; returns how many."""
    count = 0
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        write = out.write
        for line in lines:
            write(line)
            write("\n")
            count += 1
    return count
