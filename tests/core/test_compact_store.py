"""Rows and a whole check kept compactly (core.spool, sources.row_store, check.sheet_check): what
comes back is exactly what went in, or what the in-memory check (build_leads) gives, at a fraction
of the memory."""

from __future__ import annotations

import datetime as dt
import threading
import tracemalloc

import pytest

from telecrm_desktop.core import spool as spool_module
from telecrm_desktop.core.check.merge import build_leads
from telecrm_desktop.core.check.pipeline import RowPlan
from telecrm_desktop.core.check.sheet_check import INVALID, WARNING, check_sheet
from telecrm_desktop.core.sources import open_sheet, read_table
from telecrm_desktop.core.sources.row_store import RowStore
from telecrm_desktop.core.sources.table import DataRow
from telecrm_desktop.core.spool import Spool
from tests.core.test_parallel import MAPPING, messy_rows, write


def test_a_spool_gives_back_every_item_by_index_slice_and_in_order(monkeypatch):
    monkeypatch.setattr(spool_module, "_READ_BLOCK", 64)  # many blocks, items across their edges
    items = [(n, f"text {n}" * (n % 5), None, n / 3, n % 2 == 0) for n in range(500)]
    items[7] = (dt.datetime(2026, 3, 1, 9, 30), dt.date(2026, 3, 2), dt.time(5, 6), "a workbook's dates")
    spool = Spool()
    for start in range(0, 500, 37):
        spool.extend(items[start:start + 37])
    assert len(spool) == 500
    assert list(spool) == items
    assert [spool[i] for i in (0, 7, 499, -1)] == [items[0], items[7], items[499], items[-1]]
    assert spool[100:103] == items[100:103]
    assert list(spool.items(250, 260)) == items[250:260]
    with pytest.raises(IndexError):
        spool[500]
    spool.close()


def test_rows_read_while_the_reader_appends_are_whole():
    store = RowStore()
    done = threading.Event()
    seen_bad = []

    def read():
        while not done.is_set():
            n = len(store)
            if n:
                row = store[n - 1]
                if row.values != (f"Lead {row.number}", row.number * 2):
                    seen_bad.append(row)

    reader = threading.Thread(target=read)
    reader.start()
    for start in range(0, 20_000, 500):
        store.extend(DataRow(n + 2, (f"Lead {n + 2}", (n + 2) * 2)) for n in range(start, start + 500))
    done.set()
    reader.join()
    assert not seen_bad
    assert len(store) == 20_000 and store.number_at(19_999) == 20_001
    assert store.position_of(10_002) == 10_000 and store.position_of(1) is None and store.position_of(99_999) is None


def test_a_row_store_takes_a_fraction_of_the_rows_memory():
    def row(n):
        return DataRow(n + 2, tuple(f"cell {n} {c}" for c in range(20)))

    tracemalloc.start()
    store = RowStore()
    for start in range(0, 20_000, 1000):  # rows made here and dropped: only the store keeps them
        store.extend(row(n) for n in range(start, start + 1000))
    kept, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert list(store) == [row(n) for n in range(20_000)]
    # the rows as tuples of str take about 30 MB; the store keeps 16 bytes a row
    assert kept < 1_000_000, kept


@pytest.mark.parametrize("spool_after", [1_000_000, 50])  # leads in memory, and spooled to SQLite
def test_a_compact_check_says_what_the_in_memory_check_says(tmp_path, spool_after):
    path = write(tmp_path / "leads.csv", messy_rows(900))
    table = read_table(open_sheet(path))
    reference = build_leads(table, MAPPING)
    sheet = check_sheet(table, RowPlan(table.headers, MAPPING), workers=0, spool_after=spool_after)
    assert (sheet.merger._db is not None) == (spool_after < 900)

    expected_leads = [(lead.identifier, lead.rows, lead.body) for lead in reference.leads]
    assert [(lead.identifier, lead.rows, lead.body) for lead in sheet.leads] == expected_leads
    assert sheet.lead_count == len(expected_leads) and sheet.merged_rows == reference.merged_rows
    verdicts = list(sheet.verdicts())
    assert [(v.row, v.identifier, v.key, v.errors, v.warnings) for v in verdicts] == [
        (r.row, r.identifier, r.key, r.errors, r.warnings) for r in reference.rows]
    assert [v.name for v in verdicts] == [r.fields.get("name") for r in reference.rows]
    lead_of_row = {n: lead.identifier for lead in reference.leads for n in lead.rows}
    assert [sheet.lead_identifier(v) for v in verdicts] == [lead_of_row.get(r.row) for r in reference.rows]
    for lead in reference.leads:
        for number in lead.rows:
            assert sheet.lead_rows(number) == list(lead.rows)
    invalid = [r.row for r in reference.rows if r.status == "invalid"]
    problems = [r.row for r in reference.rows if r.status == "invalid" or r.warnings or r.errors]
    assert list(sheet.numbers_with(INVALID)) == invalid and invalid
    assert list(sheet.numbers_with(INVALID, WARNING)) == problems
    later = sorted(n for lead in sorted(reference.leads, key=lambda l: l.rows[0])[100:] for n in lead.rows)
    assert sorted(sheet.rows_of_leads_after(100)) == later
    sheet.close()


def test_the_check_is_the_same_on_several_cores(tmp_path):
    path = write(tmp_path / "leads.csv", messy_rows(3000))
    table = read_table(open_sheet(path))
    plan = RowPlan(table.headers, MAPPING)
    alone = check_sheet(table, plan, workers=0)
    shared = check_sheet(table, plan, workers=2)
    assert list(shared.verdicts()) == list(alone.verdicts())
    assert [(l.rows, l.body) for l in shared.leads] == [(l.rows, l.body) for l in alone.leads]
    assert shared.groups == alone.groups and shared.status_counts == alone.status_counts


def test_left_out_rows_are_read_for_their_name_and_kept_out_of_the_leads(tmp_path):
    path = write(tmp_path / "leads.csv", messy_rows(300))
    table = read_table(open_sheet(path))
    every = list(table.rows())
    left_out = {row.number for row in every[::3]}

    class Without(type(table)):
        def rows(self, records=None):
            return (row for row in every if row.number not in left_out)

    kept = Without(table.source, table.header_row, table.headers, table.raw_headers)
    reference = build_leads(kept, MAPPING)
    sheet = check_sheet(table, RowPlan(table.headers, MAPPING), workers=0, left_out=left_out)
    assert [(l.rows, l.body) for l in sheet.leads] == [(l.rows, l.body) for l in reference.leads]
    assert [v.row for v in sheet.verdicts()] == [r.row for r in reference.rows]
    assert sheet.status_counts["ready"] + sheet.status_counts["warning"] + sheet.status_counts["invalid"] == len(
        reference.rows)
    named = {v.row: (v.identifier, v.name) for v in sheet.verdicts(left_out=True)}
    assert set(named) == left_out and sheet.left_out_count == len(left_out)
    assert named[every[3].number] == ("919876500003", "Lead 3 Zoë")
    assert all(sheet.status_of(n) is None for n in left_out)
    assert not set(sheet.rows_of_leads_after(0)) & left_out


def test_the_apps_spools_live_in_the_data_folder_and_a_killed_windows_are_cleared(tmp_path, monkeypatch):
    from telecrm_desktop.core import paths

    monkeypatch.setenv("TELECRM_DESKTOP_HOME", str(tmp_path / "home"))
    folder = paths.spool_dir()
    assert folder == tmp_path / "home" / "spool" and (folder.stat().st_mode & 0o077) == 0
    path = write(tmp_path / "leads.csv", messy_rows(300))
    table = read_table(open_sheet(path))
    sheet = check_sheet(table, RowPlan(table.headers, MAPPING), workers=0, spool_after=10, folder=str(folder))
    spooled = list(folder.glob("telecrm-leads-*.sqlite"))
    assert len(spooled) == 1  # the merger's SQLite file; the row spools have no name at all
    (folder / "telecrm-leads-left-by-a-kill.sqlite").write_bytes(b"lead data")
    (folder / "not-ours.txt").write_text("kept")
    sheet.close()
    assert paths.clear_spool() == 1
    assert [p.name for p in folder.iterdir()] == ["not-ours.txt"]
