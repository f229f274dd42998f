"""Reading a big run's outcomes a page at a time: the pages, filtered by outcome in SQL, put
together are exactly the run's outcomes in row order, and every page is found by its first row."""

from __future__ import annotations

from bench.results_run import build_run, status_of
from telecrm_desktop.core.send.journal import Journal

ROWS = 3_000
PAGE = 128


def _pages(journal, run_id, status):
    starts = journal.row_page_starts(run_id, PAGE, status)
    pages = [journal.row_outcome_page(run_id, start, PAGE, status) for start in starts]
    assert all(len(p) == PAGE for p in pages[:-1]) and 0 < len(pages[-1]) <= PAGE
    return [o for page in pages for o in page]


def test_pages_filtered_by_outcome_put_together_are_the_run(tmp_path):
    with Journal(tmp_path / "j.sqlite3") as journal:
        run_id = build_run(journal, ROWS)
        everything = list(journal.row_outcomes(run_id))
        assert [o.row for o in everything] == list(range(2, ROWS + 2))
        assert _pages(journal, run_id, None) == everything
        assert journal.row_count(run_id) == ROWS
        for status in ("queued", "failed", "uncertain", "invalid", "left out", "pending"):
            wanted = [o for o in everything if o.status == status]
            assert [o.row for o in wanted] == [i + 2 for i in range(ROWS) if status_of(i) == status]
            assert (_pages(journal, run_id, status) if wanted else []) == wanted, status
            assert journal.row_count(run_id, status) == len(wanted)
        # the last page, found without reading the ones before it
        last = journal.row_outcome_page(run_id, journal.row_page_starts(run_id, PAGE)[-1], PAGE)
        assert last[-1] == everything[-1] and len(last) == ROWS % PAGE
        # or without knowing where pages start: read back from the end, or from a row
        assert journal.row_outcomes_before(run_id, None, ROWS % PAGE) == last
        assert journal.row_outcomes_before(run_id, 1000, 3) == everything[995:998]  # rows 997, 998, 999
        failed = [o for o in everything if o.status == "failed"]
        assert journal.row_outcomes_before(run_id, None, 4, "failed") == failed[-4:]
        assert journal.row_outcomes_before(run_id, failed[2].row, 10, "failed") == failed[:2]


def test_a_run_with_no_rows_has_no_pages(tmp_path):
    with Journal(tmp_path / "j.sqlite3") as journal:
        run_id = build_run(journal, 0)
        assert journal.row_page_starts(run_id, PAGE) == [] and journal.row_outcome_page(run_id, 0, PAGE) == []
        assert journal.row_page_starts(run_id, PAGE, "failed") == []


def test_result_rows_read_a_looked_up_runs_findings_a_chunk_at_a_time(tmp_path):
    # the result files of a looked-up run say which leads existed; read per chunk of rows, they say
    # what the whole map says (here over three chunks of 500)
    from bench.results_run import identifier_of
    from telecrm_desktop.core.send import runs
    from telecrm_desktop.core.workspace.lookup_record import LookupRecord

    with Journal(tmp_path / "j.sqlite3") as journal:
        run_id = build_run(journal, 1_200)
        record = LookupRecord(journal.db)
        record.record(run_id, {identifier_of(i): ({"city": "Pune"} if i % 3 else None) for i in range(0, 1_200, 2)})
        record.set_changes(run_id, [(identifier_of(i), "city: Pune -> Mumbai") for i in range(0, 1_200, 6)])
        whole = list(runs.result_rows(journal, run_id, (), record.existing_of(run_id)))
        chunked = list(runs.result_rows(journal, run_id, (), record.existing_view(run_id)))
    assert chunked == whole and len(whole) == 1_200
    assert {r.existing for r in whole} == {"yes", "no", ""}
    assert whole[1_000].existing == "yes" and whole[1_000].created_or_updated == "updated"
    assert whole[1_002].changes == "city: Pune -> Mumbai"  # data row 1002 (i % 6 == 0) was given changes
