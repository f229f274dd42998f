"""What a send run records about its file (sheet, header row, encoding, template, the person's
corrections and left-out rows), so that a run can be finished after a crash, a kill or a closed
laptop with nothing else open: its leads wait in the journal, and its result files are written from
the file read again the same way, when the file is still there and unchanged."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from telecrm_desktop.gui.models.edited_table import corrected_row


def run_source(session, left_out: list[list[int]] | None = None) -> dict:
    """The session's file, as read and corrected, in the journal's JSON form (`left_out`:
    excluded_ranges(session), when the caller has it already)."""
    sheet = session.sheet
    source = sheet.source
    return {
        "sheet": getattr(source, "sheet", None) if getattr(source, "sheet_names", None) else None,
        "encoding": getattr(source, "encoding", None) if getattr(source, "kind", "") == "csv" else None,
        "delimiter": getattr(source, "delimiter", None) if getattr(source, "kind", "") == "csv" else None,
        "header_row": sheet.table.header_row,
        "template": session.template or {},
        "edits": {str(k): {c: "" if v is None else str(v) for c, v in cols.items()}
                  for k, cols in session.edits.items()},
        "excluded": excluded_ranges(session) if left_out is None else left_out,
    }


def excluded_ranges(session) -> list[list[int]]:
    """The left-out rows as [first, last] runs of the sheet's rows, in file order: a million left-out
    rows are a few pairs, and no sort or JSON text of a million numbers holds the interpreter lock
    the window needs (walked here with turns given, off the GUI thread)."""
    from telecrm_desktop.gui.bridge.gil import taking_turns

    excluded = session.excluded
    if not excluded or session.sheet is None:
        return []
    ranges: list[list[int]] = []
    current: list[int] | None = None
    for number in taking_turns(session.sheet.rows.numbers(), 4096):
        if number in excluded:
            if current is None:
                current = [number, number]
                ranges.append(current)
            else:
                current[1] = number
        else:
            current = None
    return ranges


@dataclass
class RecordedFile:
    """A past run's file: its rows (with the recorded corrections) when it can be read again as it
    was, else `sentence` says in one sentence why the result files hold outcomes only."""

    headers: list[str]
    raw_headers: list[str]
    header_row: int
    rows: Callable[[], Iterator[Any]] | None
    sentence: str | None = None


def _outcomes_only(sentence: str) -> RecordedFile:
    return RecordedFile([], [], 1, None, sentence)


def recorded_file(run) -> RecordedFile:
    """Reads the run's file again the way it was read for the run (runs.file_fingerprint decides
    whether it is still the same file). Call it off the GUI thread: it reads the whole file."""
    from telecrm_desktop.core.send import runs
    from telecrm_desktop.core.sources import open_sheet, read_table

    path = Path(run.file_path)
    name = path.name
    tail = "its leads are sent as they were checked then, and the result files list outcomes without the file's cells."
    if not path.exists():
        return _outcomes_only(f"{name} is no longer at {path.parent} (moved or deleted): {tail}")
    try:
        if runs.file_fingerprint(path) != run.file_fingerprint:
            return _outcomes_only(f"{name} has changed since run {run.id} was checked: {tail}")
    except OSError as exc:
        return _outcomes_only(f"{name} could not be read ({exc.strerror or exc}): {tail}")
    source_record = run.source
    if not source_record:
        return _outcomes_only(f"Run {run.id} was made by an earlier version that did not record how {name} "
                              f"was read: {tail}")
    try:
        source = open_sheet(path, sheet=source_record.get("sheet"), encoding=source_record.get("encoding"),
                            delimiter=source_record.get("delimiter"), stream_xlsx=True)
        table = read_table(source, source_record.get("header_row"))
    except Exception as exc:  # noqa: BLE001 - a SourceError sentence, or a reader's surprise
        return _outcomes_only(f"{name} could not be read again ({exc}): {tail}")
    edits = {int(k): v for k, v in (source_record.get("edits") or {}).items()}
    headers = list(table.headers)

    def rows() -> Iterator[Any]:
        for row in table.rows():
            yield corrected_row(row, headers, edits.get(row.number))

    return RecordedFile(headers, list(table.raw_headers), table.header_row, rows)
