"""The review model over 100,000 rows: built at once, display computed only for cells asked for."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView

from telecrm_desktop.core.findings import Finding
from telecrm_desktop.core.sources.table import DataRow
from telecrm_desktop.gui.widgets import style
from telecrm_desktop.gui.models.review_model import (
    EXCLUDED, INVALID, READY, SHOW_INVALID, SHOW_PROBLEMS, WARNING, ReviewModel, row_check_from_findings,
)

HEADERS = ["Name", "Mobile", "Email", "City"]
N = 100_000


def make_rows(n=N):
    return [DataRow(i + 2, (f"Lead {i}", f"98765{i:05d}", f"lead{i}@example.com", "Pune")) for i in range(n)]


class CountingModel(ReviewModel):
    calls = 0

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        CountingModel.calls += 1
        return super().data(index, role)


class WatchedRows(list):
    """The sheet's rows, counting every look at one (a model that walked them all would show here)."""

    looks = 0

    def __getitem__(self, index):
        WatchedRows.looks += 1 if isinstance(index, int) else len(range(*index.indices(len(self))))
        return super().__getitem__(index)

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]


def test_100k_rows_are_lazy_and_fast(qapp, qtbot):
    rows = WatchedRows(make_rows())
    model = CountingModel()
    WatchedRows.looks = 0
    model.set_sheet(HEADERS, rows, {}, set())
    assert WatchedRows.looks == 0  # built without reading a row: instant at any size, whatever the load
    assert model.rowCount() == N
    assert model.columnCount() == len(HEADERS) + 1
    assert model.data(model.index(N - 1, 2)) == "9876599999"
    assert model.headerData(N - 1, Qt.Orientation.Vertical) == str(N + 1)

    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(900, 600)
    view.show()
    qtbot.waitExposed(view)
    qapp.processEvents()
    CountingModel.calls = 0
    WatchedRows.looks = 0
    for fraction in (0.25, 0.5, 0.75, 1.0):
        view.verticalScrollBar().setValue(int(view.verticalScrollBar().maximum() * fraction))
        view.viewport().repaint()
        qapp.processEvents()
    # only the cells on screen are asked for (about 25 rows x 5 columns x a few roles per paint)
    assert CountingModel.calls < 4 * 25 * 5 * 15
    assert CountingModel.calls > 0
    # and only their rows are read: a model that touched every row would read 100,000 per paint
    assert 0 < WatchedRows.looks < 4 * 25 * 5 * 15


def test_findings_highlight_cells_and_filter(qapp):
    rows = make_rows(1000)
    model = ReviewModel()
    model.set_sheet(HEADERS, rows, {}, set())
    bad = Finding(7, "Mobile", "99999", "phone.invalid", 'Row 7, column "Mobile": "99999" is not a phone number.')
    warn = Finding(9, "City", "Pnue", "dropdown.new_option", 'Row 9: "Pnue" would create a new option.', "warning")
    checks = {r.number: row_check_from_findings("ready", []) for r in rows}
    checks[7] = row_check_from_findings("invalid", [bad])
    checks[9] = row_check_from_findings("ready", [warn])
    model.set_checks(checks)
    assert model.status_of(7) == INVALID and model.status_of(9) == WARNING and model.status_of(8) == READY
    row7 = model.index(5, 2)  # row numbers start at 2
    assert model.data(row7, Qt.ItemDataRole.BackgroundRole) == style.ERROR_WASH
    assert model.data(row7, int(Qt.ItemDataRole.BackgroundRole)) == style.ERROR_WASH  # as views ask
    assert "not a phone number" in model.data(row7, Qt.ItemDataRole.ToolTipRole)
    assert model.data(model.index(7, 4), Qt.ItemDataRole.BackgroundRole) == style.WARNING_WASH
    assert model.data(model.index(6, 2), Qt.ItemDataRole.BackgroundRole) is None

    model.set_mode(SHOW_PROBLEMS)
    assert model.rowCount() == 2
    model.set_mode(SHOW_INVALID)
    assert model.rowCount() == 1 and model.row_at(0).number == 7

    # a correction is kept beside the file's value, never written into the row itself
    assert model.setData(model.index(0, 2), "919876543210")
    assert model.edits == {7: {"Mobile": "919876543210"}}
    assert rows[5].values[1] == "9876500005"
    assert model.data(model.index(0, 2)) == "919876543210"

    model.set_excluded([7], True)
    assert model.status_of(7) == EXCLUDED
    assert model.rowCount() == 0  # the invalid-only filter no longer shows it
    assert model.counts()[EXCLUDED] == 1


def test_a_painted_cell_is_one_call_with_every_role(qapp, qtbot):
    """multiData (models/one_call.py) answers what data() answers, in one call per cell."""
    from PySide6.QtCore import QModelRoleData, QModelRoleDataSpan

    rows = make_rows(50)
    model = ReviewModel()
    model.set_sheet(HEADERS, rows, {}, {4})
    bad = Finding(7, "Mobile", "99999", "phone.invalid", 'Row 7, column "Mobile": "99999" is not a phone number.')
    checks = {r.number: row_check_from_findings("ready", []) for r in rows}
    checks[7] = row_check_from_findings("invalid", [bad])
    model.set_checks(checks)
    roles = [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole,
             Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.FontRole, Qt.ItemDataRole.DecorationRole]
    for index in (model.index(5, 2), model.index(5, 0), model.index(2, 1), model.index(0, 3)):
        for role in roles:
            slot = QModelRoleData(int(role))
            model.multiData(index, QModelRoleDataSpan(slot))
            expected = model.data(index, role)
            assert (slot.data() is None) == (expected is None), (index.row(), index.column(), role)
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                assert slot.data() == expected
    assert model.index(2, 1).data(Qt.ItemDataRole.FontRole).strikeOut()  # row 4 left out
    wash = QModelRoleData(int(Qt.ItemDataRole.BackgroundRole))
    span = QModelRoleDataSpan(wash)  # a delegate reuses one span from cell to cell
    model.multiData(model.index(5, 2), span)
    assert wash.data() == style.ERROR_WASH
    model.multiData(model.index(6, 2), span)
    assert wash.data() is None  # not the previous cell's red

    calls = {"multi": 0, "data": 0}

    class Counting(ReviewModel):
        def data(self, index, role=Qt.ItemDataRole.DisplayRole):
            calls["data"] += 1
            return super().data(index, role)

        def multiData(self, index, span):
            calls["multi"] += 1
            super().multiData(index, span)

    counting = Counting()
    counting.set_sheet(HEADERS, rows, {}, set())
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(counting)
    view.resize(700, 300)
    assert not view.grab().isNull()
    assert calls["multi"] > 0 and calls["data"] >= calls["multi"]  # roles answered inside multiData


def test_leaving_out_many_rows_at_once_counts_them_with_the_next_check(qapp):
    rows = make_rows(30_000)
    model = ReviewModel()
    model.set_sheet(HEADERS, rows, {}, set())
    checks = {r.number: row_check_from_findings("ready", []) for r in rows}
    model.set_checks(checks, status_counts={READY: 30_000})
    numbers = [r.number for r in rows[:20_000]]
    model.set_excluded(numbers, True)  # past BULK_ROWS: sets in C, no status per row
    assert len(model.excluded) == 20_000 and model.status_of(numbers[0]) == EXCLUDED
    assert model.counts()[EXCLUDED] == 20_000
    model.set_mode(SHOW_PROBLEMS)
    assert model.rowCount() == 0
    # the check that follows knows nothing of the left-out rows: the counts add up again
    kept = {n: c for n, c in checks.items() if n not in model.excluded}
    model.set_checks(kept, status_counts={READY: 10_000})
    assert model.counts() == {READY: 10_000, WARNING: 0, INVALID: 0, EXCLUDED: 20_000, "unchecked": 0}
    model.set_excluded(numbers[:15_000], False)
    assert len(model.excluded) == 5_000


def test_rows_holding_a_value_are_found_among_the_problem_rows_and_corrections(qapp, tmp_path):
    from telecrm_desktop.core.check.pipeline import RowPlan
    from telecrm_desktop.core.check.sheet_check import check_sheet
    from telecrm_desktop.core.sources import open_sheet, read_table
    from telecrm_desktop.core.sources.row_store import RowStore
    from telecrm_desktop.gui.bridge.pipeline_bridge import check_view
    from telecrm_desktop.gui.models.review_model import RowChecks
    from tests.core.test_parallel import MAPPING, messy_rows, write

    table = read_table(open_sheet(write(tmp_path / "leads.csv", messy_rows(400))))
    store = RowStore(table.rows())
    sheet = check_sheet(table, RowPlan(table.headers, MAPPING), workers=0)
    view = check_view(sheet, store)
    model = ReviewModel()
    model.set_sheet(table.headers, store, {}, set())
    model.set_checks(RowChecks(sheet, positions={("invalid", "warning"): view.problem_positions,
                                                 ("invalid",): view.invalid_positions}),
                     view.merged_into, view.status_counts)
    mobile = table.headers.index("Mobile")
    expected = [r.number for r in store if r.values[mobile] == "12345"]
    assert expected and model.rows_holding(mobile, "12345") == expected
    model.edits[store[0].number] = {"Mobile": "12345"}  # a correction that made a good row hold it
    assert model.rows_holding(mobile, "12345") == sorted(expected + [store[0].number])
    assert model.status_of(expected[0]) == INVALID and model.rowCount() == len(store)
    model.set_mode(SHOW_INVALID)
    assert [model.number_at(r) for r in range(model.rowCount())] == list(sheet.numbers_with("invalid"))
