"""The Open screen's preview as a table model: cells as a person reads them, ragged rows padded,
the header row bold on a wash, rows above it muted, and every role of a painted cell answered in
one multiData call that agrees with data()."""

import datetime as dt

from PySide6.QtCore import QModelRoleData, QModelRoleDataSpan, Qt
from PySide6.QtWidgets import QTableView

from telecrm_desktop.core.sources.table import Record
from telecrm_desktop.gui.models.sheet_model import SheetPreviewModel

ROLES = [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.FontRole, Qt.ItemDataRole.BackgroundRole,
         Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.DecorationRole]


def records():
    return [Record(1, ("Leads export",)),
            Record(2, ("Name", "Mobile No.", "Visited")),
            Record(3, ("Asha", 9800000001, dt.date(2026, 3, 17))),
            Record(5, ("A name far too long for its column", None, None))]


def test_cells_header_row_and_labels(app):
    model = SheetPreviewModel()
    model.set_records(records(), 2)
    assert (model.rowCount(), model.columnCount()) == (4, 3)
    assert model.data(model.index(0, 2)) == ""  # a short row is padded
    assert model.data(model.index(2, 1)) == "9800000001"
    assert model.data(model.index(3, 0), Qt.ItemDataRole.ToolTipRole) == "A name far too long for its column"
    assert model.data(model.index(2, 0), Qt.ItemDataRole.ToolTipRole) is None
    assert model.headerData(2, Qt.Orientation.Horizontal) == "C"
    assert [model.headerData(r, Qt.Orientation.Vertical) for r in range(4)] == ["1", "2 · header", "3", "5"]
    assert model.record_number(3) == 5
    assert model.data(model.index(1, 0), Qt.ItemDataRole.FontRole).bold()
    assert model.data(model.index(1, 0), Qt.ItemDataRole.BackgroundRole) is not None
    assert model.data(model.index(0, 0), Qt.ItemDataRole.ForegroundRole) is not None  # above: muted
    assert model.data(model.index(2, 0), Qt.ItemDataRole.FontRole) is None

    changed = []
    model.dataChanged.connect(lambda *a: changed.append("data"))
    model.headerDataChanged.connect(lambda *a: changed.append("header"))
    model.set_header_row(3)
    assert changed == ["data", "header"]
    assert model.headerData(2, Qt.Orientation.Vertical) == "3 · header"
    assert model.data(model.index(2, 0), Qt.ItemDataRole.FontRole).bold()
    assert model.data(model.index(1, 0), Qt.ItemDataRole.FontRole) is None
    assert model.data(model.index(1, 0), Qt.ItemDataRole.ForegroundRole) is not None

    model.set_records([], None)
    assert (model.rowCount(), model.columnCount()) == (0, 0)


def test_multidata_agrees_with_data(app):
    model = SheetPreviewModel()
    model.set_records(records(), 2)
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            index = model.index(row, column)
            for role in ROLES:
                slot = QModelRoleData(int(role))
                model.multiData(index, QModelRoleDataSpan(slot))  # (a view asks for 7 roles at once)
                expected, got = model.data(index, role), slot.data()
                assert (got is None) == (expected is None), (row, column, role)
                if role == Qt.ItemDataRole.DisplayRole:
                    assert got == expected


def test_a_painted_cell_is_one_call_into_python(app):
    calls = {"data": 0, "multiData": 0}

    class Counting(SheetPreviewModel):
        def data(self, index, role=Qt.ItemDataRole.DisplayRole):
            calls["data"] += 1
            return super().data(index, role)

        def multiData(self, index, span):
            calls["multiData"] += 1
            super().multiData(index, span)

    model = Counting()
    model.set_records(records(), 2)
    view = QTableView()
    view.setModel(model)
    view.resize(600, 240)
    image = view.grab().toImage()  # a full paint
    assert not image.isNull()
    cells = model.rowCount() * model.columnCount()
    assert calls["multiData"] >= cells
    assert calls["data"] < cells  # not one call per cell and role (7 roles a cell)


def test_a_reused_span_is_cleared_from_cell_to_cell(app):
    """A delegate hands the same span to every cell it paints: a role this cell lacks must not keep
    the previous cell's value (the header row's bold and wash spread over every row once)."""
    model = SheetPreviewModel()
    model.set_records(records(), 2)
    font, wash = QModelRoleData(int(Qt.ItemDataRole.FontRole)), QModelRoleData(int(Qt.ItemDataRole.BackgroundRole))
    for slot in (font, wash):
        span = QModelRoleDataSpan(slot)
        model.multiData(model.index(1, 0), span)  # the header row
        assert slot.data() is not None
        model.multiData(model.index(2, 0), span)  # a data row
        assert slot.data() is None


def test_only_the_header_row_is_washed_on_screen(app):
    model = SheetPreviewModel()
    model.set_records(records(), 2)
    view = QTableView()
    view.setModel(model)
    view.resize(600, 240)
    view.show()
    image = view.viewport().grab().toImage()
    x = view.columnViewportPosition(2) + 40  # column C: empty on rows 1, 2 (padded) and 4

    def colour(row):
        return image.pixelColor(x, view.rowViewportPosition(row) + view.rowHeight(row) // 2).name()

    base = view.palette().base().color().name()
    assert colour(1) != base  # the header row (record 2): washed
    assert colour(0) == base and colour(3) == base  # the rows above and below: not
