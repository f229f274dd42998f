"""The Map screen's constants as a table model: rows as typed, only rows with a path reach the
template, and every edit, addition with a path or removal is announced."""

from PySide6.QtCore import Qt

from telecrm_desktop.gui.models.constants_model import PATH, VALUE, ConstantsModel


def test_rows_data_and_edits(app):
    model = ConstantsModel()
    edits = []
    model.constants_edited.connect(lambda: edits.append(model.constants()))
    model.set_constants({"fields.contact_source": "Expo 2026", "fields.rating": 4})
    assert (model.rowCount(), model.columnCount()) == (2, 2)
    assert model.data(model.index(1, VALUE)) == "4"  # shown and edited as text
    assert model.data(model.index(0, PATH), Qt.ItemDataRole.EditRole) == "fields.contact_source"
    assert model.data(model.index(0, PATH), Qt.ItemDataRole.ToolTipRole) == "fields.contact_source"
    assert model.data(model.index(0, PATH), Qt.ItemDataRole.BackgroundRole) is None
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Send to"
    assert model.flags(model.index(0, VALUE)) & Qt.ItemFlag.ItemIsEditable
    assert edits == []  # loading a template is not an edit

    assert model.setData(model.index(0, VALUE), "Expo 2027")
    assert not model.setData(model.index(0, VALUE), "Expo 2027")  # unchanged: no signal
    assert edits == [{"fields.contact_source": "Expo 2027", "fields.rating": "4"}]

    new = model.add_row()
    assert (new.row(), new.column()) == (2, PATH) and model.data(new) == "fields."
    assert model.setData(new, "  ")  # a row whose path was cleared stays, but is not a constant
    assert model.rowCount() == 3 and "" not in model.constants() and len(model.constants()) == 2

    assert model.remove_row(0)
    assert not model.remove_row(7)
    assert model.constants() == {"fields.rating": "4"} and edits[-1] == {"fields.rating": "4"}


def test_the_map_screen_removes_the_current_constant(window, qtbot, tmp_path):
    from tests.gui.test_flow import write_leads
    from tests.gui.test_map_screen import open_and_map

    screen = open_and_map(window, write_leads(tmp_path / "c.csv", 3))
    screen._use_template(dict(screen.model.template, constants={"fields.contact_source": "Expo"}),
                         "Loaded.", "template: test")
    assert screen.constants_model.rowCount() == 1
    assert screen.session.mapping.constants == {"fields.contact_source": "Expo"}
    screen.constants_view.setCurrentIndex(screen.constants_model.index(0, 1))
    screen._remove_constant()
    assert screen.constants_model.rowCount() == 0
    assert screen.session.mapping.constants == {}
