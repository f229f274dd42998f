"""A send run from start to end, around the engine: which run this is (a new one, or the one a
crash interrupted), the leads and rows it holds, and its result files when it ends.

The command line and the app both call these, so a run looks the same whichever started it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from itertools import islice
from typing import Any, Iterable, Iterator, Sequence

from telecrm_desktop.core import paths
from telecrm_desktop.core.send.journal import Journal, NewLead, RowRecord, RunInfo
from telecrm_desktop.core.send.results import ResultFiles, ResultRow, write_run_results
from telecrm_desktop.core.send.client import canonical_body
from telecrm_desktop.core.sources.table import DataRow


_EXISTING_CHUNK = 500  # outcomes whose lookups are read at once


def file_fingerprint(path: Path | str) -> str:
    """sha256 of the file's bytes: the same file (wherever it lies) resumes the same run."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def template_fingerprint(template: Any) -> str:
    """sha256 of the template as canonical JSON (a dict, or a path to the template file)."""
    if isinstance(template, (str, Path)):
        template = json.loads(Path(template).read_text(encoding="utf-8"))
    return hashlib.sha256(json.dumps(template, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def new_lead(identifier: str, rows: Sequence[int], body: dict, status: str | None = None,
             reason: str = "") -> NewLead:
    """A lead for the journal; `status` (skipped, unchanged) when it was decided not to send it."""
    data = canonical_body(body)
    return NewLead(identifier, list(rows), data, hashlib.sha256(data).hexdigest(), bool(body.get("actions")),
                   status, reason)


def _text(findings: Iterable[Any]) -> str:
    return "; ".join(getattr(f, "message", str(f)) for f in findings)


def row_record(row: int, identifier: str | None, lead_identifier: str | None, errors: Iterable[Any] = (),
               warnings: Iterable[Any] = (), name: Any = None) -> RowRecord:
    """A source row's place in a run; `errors`/`warnings` are findings (with .column and .message)."""
    errors = list(errors)
    return RowRecord(
        row=row, identifier=identifier or "", lead_identifier=lead_identifier,
        reason=_text(errors), warnings=_text(warnings),
        problems=[(getattr(f, "column", None), getattr(f, "message", str(f))) for f in errors],
        name=name if isinstance(name, str) else "",
    )


LEFT_OUT_REASON = "left out on the Review step; it was not sent"


def left_out_record(row: int, identifier: str | None = None, name: Any = None) -> RowRecord:
    """A row the person left out before sending: it stays in the run's counts and result files."""
    return RowRecord(row=row, identifier=identifier or "", lead_identifier=None, reason=LEFT_OUT_REASON,
                     left_out=True, name=name if isinstance(name, str) else "")


@dataclass
class PreparedRun:
    run: RunInfo
    resumed: bool


def open_run(journal: Journal, *, enterprise_id: str, file_path: Path | str, file_fp: str, template_fp: str) -> PreparedRun:
    """The interrupted run of the same file, template and workspace, or a new one."""
    found = journal.find_resumable_run(enterprise_id, file_fp, template_fp)
    if found:
        journal.reopen_run(found.id)
        return PreparedRun(journal.run(found.id), True)
    return PreparedRun(journal.start_run(enterprise_id, str(Path(file_path).resolve()), file_fp, template_fp), False)


def result_rows(journal: Journal, run_id: int, data_rows: Iterable[DataRow], existing=None) -> Iterator[ResultRow]:
    """Every row of the run in row order, joined with its original cells (the sheet read again).

    `existing`, after a lookup: identifier -> (in telecrm before the run, changes text), as a dict
    (LookupRecord.existing_of) or, for a run of any size, a view read a chunk of rows at a time
    (LookupRecord.existing_view).
    """
    among = existing.among if hasattr(existing, "among") else (lambda _identifiers: existing)
    cells = iter(data_rows)
    current = next(cells, None)
    outcomes = journal.row_outcomes(run_id)
    while chunk := list(islice(outcomes, _EXISTING_CHUNK)):
        found_of = among([o.identifier for o in chunk if o.status != "invalid"]) if existing is not None else None
        for outcome in chunk:
            while current is not None and current.number < outcome.row:
                current = next(cells, None)
            values = current.values if current is not None and current.number == outcome.row else ()
            found = found_of.get(outcome.identifier) if found_of and outcome.status != "invalid" else None
            yield ResultRow(outcome.row, outcome.identifier, outcome.status, outcome.reason, outcome.warnings,
                            values, outcome.problems, *(("yes" if found[0] else "no", found[1]) if found else ()))


def landed_sample(journal: Journal, run_id: int) -> tuple[set[str], int]:
    """The identifiers of the queued leads a post-import check looks up (every one of a small run,
    a random sample of a big one: core.workspace.landed.choose_sample), and how many were queued.
    Positions are drawn, then the identifiers streamed: a run of a million leads is never held."""
    from telecrm_desktop.core.send import outcomes
    from telecrm_desktop.core.workspace.landed import choose_sample

    queued = journal.lead_counts(run_id).get(outcomes.QUEUED, 0)
    picked = set(choose_sample(range(queued)))
    return {i for n, i in enumerate(journal.queued_identifiers(run_id)) if n in picked}, queued


def write_results(journal: Journal, run_id: int, folder: Path, *, headers: Sequence[str],
                  data_rows: Iterable[DataRow], raw_headers: Sequence[str] | None = None,
                  header_row: int = 1, existing=None) -> ResultFiles:
    """The run's result files; with `existing` (after a lookup) they say which leads were created or updated."""
    files = write_run_results(folder, headers, result_rows(journal, run_id, data_rows, existing),
                              raw_headers=raw_headers, header_row=header_row, existing_columns=existing is not None)
    paths.tighten(Path(folder))  # the rows' cells are lead data: owner-only, like the journal
    return files
