"""The Review step's check of a big sheet runs on every core, in spawned processes (the app runs Qt
threads: it is never forked), and says exactly what a check in one process says, corrections and
left-out rows included."""

from __future__ import annotations

from telecrm_desktop.core.check import parallel
from telecrm_desktop.gui.bridge import check_worker
from telecrm_desktop.core.check.pipeline import RowPlan
from telecrm_desktop.core.check.sheet_check import check_sheet
from telecrm_desktop.core.sources import open_sheet, read_table
from telecrm_desktop.core.sources.row_store import RowStore
from telecrm_desktop.gui.bridge.check_worker import CheckWorker
from telecrm_desktop.gui.models.edited_table import EditedTable
from tests.core.test_parallel import MAPPING, messy_rows, write


def _edited(table, store, edits, excluded):
    return EditedTable(source=table.source, header_row=table.header_row, headers=list(table.headers),
                       raw_headers=list(table.raw_headers), loaded_rows=store, edits=edits, excluded=excluded)


def _said(sheet):
    return ([(v.row, v.identifier, v.status, v.errors, v.warnings, v.name) for v in sheet.verdicts()],
            [(v.row, v.identifier) for v in sheet.verdicts(left_out=True)],
            [(lead.rows, lead.body) for lead in sheet.leads])


def test_a_big_sheet_is_checked_in_spawned_workers_with_its_corrections(app, tmp_path, monkeypatch):
    monkeypatch.setattr(parallel, "MIN_ROWS", 0)
    monkeypatch.setattr(check_worker, "PARALLEL_FROM_ROWS", 0)  # "big" from the first row
    starts = []
    real = parallel._in_workers
    monkeypatch.setattr(parallel, "_in_workers", lambda *a, **k: (starts.append(a[5]), (yield from real(*a, **k)))[1])
    table = read_table(open_sheet(write(tmp_path / "leads.csv", messy_rows(1500))))
    store = RowStore(table.rows())
    first = store[3]
    edits = {first.number: {"Mobile": "12345", "Name": "Corrected"}}  # made invalid here, on screen
    excluded = {store[10].number, store[11].number}

    for edits_now, excluded_now in (({}, set()), (edits, excluded)):
        worker = CheckWorker(_edited(table, store, edits_now, excluded_now), MAPPING, file_table=table)
        sheet, view = worker.work()
        alone = check_sheet(_edited(table, store, edits_now, excluded_now), RowPlan(table.headers, MAPPING),
                            workers=0, left_out=excluded_now)
        assert _said(sheet) == _said(alone)
        assert view.lead_count == alone.lead_count
    assert starts == ["spawn", "spawn"]
    verdict = sheet.verdict(first.number)
    assert verdict.status == "invalid" and verdict.name == "Corrected"
    assert {v.row for v in sheet.verdicts(left_out=True)} == excluded


def test_a_file_changed_since_it_was_read_is_checked_from_the_rows_the_window_holds(app, tmp_path, monkeypatch):
    monkeypatch.setattr(parallel, "MIN_ROWS", 0)
    monkeypatch.setattr(check_worker, "PARALLEL_FROM_ROWS", 0)
    path = write(tmp_path / "leads.csv", messy_rows(600))
    table = read_table(open_sheet(path))
    store = RowStore(table.rows())
    with path.open("a", encoding="utf-8") as f:  # saved over in Excel after the app read it
        f.write("9812345678,A lead added later,3,\r\n")
    worker = CheckWorker(_edited(table, store, {}, set()), MAPPING, file_table=table)
    sheet, view = worker.work()
    assert len(sheet) == len(store) and sheet.numbers[-1] == store.number_at(len(store) - 1)
    alone = check_sheet(_edited(table, store, {}, set()), RowPlan(table.headers, MAPPING), workers=0)
    assert _said(sheet) == _said(alone)
