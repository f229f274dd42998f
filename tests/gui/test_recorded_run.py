"""A past run's file read again the way the run read it (sheet, header row, corrections), or one
sentence saying why the result files hold outcomes only."""

from telecrm_desktop.core.send.journal import Journal
from telecrm_desktop.core.send import runs
from telecrm_desktop.gui.bridge.recorded_run import recorded_file

from tests.core.test_sources_workbooks import write_xlsx

ENT = "66f6bc6faf29b5a6f29c9bbf"


def a_run(tmp_path, sheet, source):
    with Journal(tmp_path / "j.sqlite3") as j:
        run = j.start_run(ENT, str(sheet.resolve()), runs.file_fingerprint(sheet), "t")
        if source is not None:
            j.set_source(run.id, source)
        return j.run(run.id)


def test_the_recorded_sheet_header_row_and_corrections_are_used(tmp_path):
    path = write_xlsx(tmp_path / "expo.xlsx", {
        "Summary": {"A1": "Total", "B1": 2},
        "Leads": {"A1": "Expo", "A2": "Name", "B2": "Phone", "A3": "Asha", "B3": "99999", "A4": "Ravi", "B4": "9876500004"},
    })
    run = a_run(tmp_path, path, {"sheet": "Leads", "header_row": 2, "edits": {"3": {"Phone": "9876500003"}}})
    found = recorded_file(run)
    assert found.sentence is None and found.headers == ["Name", "Phone"] and found.header_row == 2
    assert [(r.number, r.values) for r in found.rows()] == [(3, ("Asha", "9876500003")), (4, ("Ravi", "9876500004"))]


def test_a_changed_a_moved_and_an_unrecorded_file_are_each_one_sentence(tmp_path):
    path = tmp_path / "leads.csv"
    path.write_text("Name,Phone\nAsha,9876500001\n", encoding="utf-8")
    run = a_run(tmp_path, path, {"header_row": 1})
    path.write_text("Name,Phone\nAsha,9876500001\nRavi,9876500002\n", encoding="utf-8")
    changed = recorded_file(run)
    assert changed.rows is None
    assert changed.sentence == (f"leads.csv has changed since run {run.id} was checked: its leads are sent as they "
                                "were checked then, and the result files list outcomes without the file's cells.")
    path.rename(tmp_path / "elsewhere.csv")
    moved = recorded_file(run)
    assert moved.rows is None and moved.sentence.startswith(f"leads.csv is no longer at {tmp_path} (moved or deleted):")

    other = tmp_path / "old.csv"
    other.write_text("Name,Phone\nAsha,9876500001\n", encoding="utf-8")
    unrecorded = recorded_file(a_run(tmp_path, other, None))
    assert unrecorded.rows is None and "earlier version" in unrecorded.sentence
    for found in (changed, moved, unrecorded):
        assert found.sentence.count(". ") == 0 and found.sentence.endswith(".")  # one sentence


def test_left_out_rows_are_recorded_as_runs_of_the_sheets_rows():
    from types import SimpleNamespace

    from telecrm_desktop.core.sources.row_store import RowStore
    from telecrm_desktop.core.sources.table import DataRow
    from telecrm_desktop.gui.bridge.recorded_run import excluded_ranges

    numbers = [2, 3, 4, 6, 7, 9, 10, 11, 12]  # rows 5 and 8 are blank in the file: not in the sheet
    store = RowStore(DataRow(n, (f"Lead {n}",)) for n in numbers)
    session = SimpleNamespace(excluded={3, 4, 6, 10, 11, 12}, sheet=SimpleNamespace(rows=store))
    assert excluded_ranges(session) == [[3, 6], [10, 12]]  # 5 is no row: 3..6 is one run
    session.excluded = {2}
    assert excluded_ranges(session) == [[2, 2]]
    session.excluded = set()
    assert excluded_ranges(session) == []
