"""A finished send run of any size, built through the journal's own API (as a send would leave it),
with the source CSV its rows came from: for the Results step's benchmark and tests.

Row outcomes repeat in a fixed pattern, so a test knows every row's status from its number:
see `status_of`. Spreadsheet row n (2, 3, ...) is data row i = n - 2.
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path
from typing import Iterator

ENTERPRISE = "66f6bc6faf29b5a6f29c9bbf"
COLUMNS = 20
HEADERS = ["Full Name", "Mobile No.", "E-mail ID", "City"] + [f"Field {c}" for c in range(5, COLUMNS + 1)]
FAILED_REASON = "telecrm answered 500 three times"
UNCERTAIN_REASON = "no answer came; the request may have been queued"
INVALID_REASON = "phone: '12' is too short"


def status_of(i: int) -> str:
    """The outcome of data row i (0-based) in a built run."""
    if i % 500 == 499:
        return "left out"
    if i % 50 == 7:
        return "invalid"
    if i % 100 == 13:
        return "failed"
    if i % 200 == 21:
        return "uncertain"
    return "queued"


def identifier_of(i: int) -> str:
    return f"+91{9_000_000_000 + i}"


def write_source_csv(path: Path, rows: int) -> Path:
    """The run's sheet: `rows` data rows of COLUMNS columns under one header row."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(HEADERS)
        for i in range(rows):
            writer.writerow([f"Lead {i}", identifier_of(i)[3:], f"lead{i}@example.com", "Pune"]
                            + [f"value {i}-{c}" for c in range(5, COLUMNS + 1)])
    return path


def build_run(journal, rows: int, file_path: str = "leads.csv", results_dir: str | None = None) -> int:
    """A finished run of `rows` source rows in `journal` (core.send.journal.Journal); returns its id."""
    from telecrm_desktop.core.send import runs
    from telecrm_desktop.core.send.journal import RowRecord

    run = journal.start_run(ENTERPRISE, file_path, hashlib.sha256(file_path.encode()).hexdigest(), "template")
    sent = [i for i in range(rows) if status_of(i) not in ("left out", "invalid")]

    def leads() -> Iterator:
        for i in sent:
            yield runs.new_lead(identifier_of(i), [i + 2], {"fields": {"name": f"Lead {i}", "phone": identifier_of(i)},
                                                            **({"actions": [{"type": "note"}]} if i % 200 == 21 else {})})

    journal.add_leads(run.id, ENTERPRISE, leads(), send_all=True)

    def records() -> Iterator[RowRecord]:
        for i in range(rows):
            status = status_of(i)
            if status == "left out":
                yield runs.left_out_record(i + 2, identifier_of(i), f"Lead {i}")
            elif status == "invalid":
                yield RowRecord(i + 2, "", None, INVALID_REASON, problems=[("Mobile No.", INVALID_REASON)])
            else:
                yield RowRecord(i + 2, identifier_of(i), identifier_of(i), name=f"Lead {i}")

    journal.add_rows(run.id, records())
    answers = {"failed": FAILED_REASON, "uncertain": UNCERTAIN_REASON, "queued": ""}
    batch = []
    for seq, i in enumerate(sent, start=1):
        status = status_of(i)
        batch.append((seq, status, answers[status], f"built-{file_path}-{seq}"))
        if len(batch) == 20_000:
            journal.write_batch(run.id, ENTERPRISE, finished=batch)
            batch = []
    journal.write_batch(run.id, ENTERPRISE, finished=batch)
    journal.end_run(run.id, "finished", results_dir=results_dir)
    return run.id
