"""Review's fix-in-place loop as a person runs it: fix a red cell, F8 to the next problem, fix it;
the detail pane follows; Ctrl+Z undoes a fix and "Revert to the file's value" drops it."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from telecrm_desktop.gui.flow_driver import wait_until
from telecrm_desktop.gui.main_window import OPEN, REVIEW
from telecrm_desktop.gui.models.review_model import INVALID, READY

from tests.gui.acceptance.conftest import HEADERS, click_cell, view_row_of, write_leads

PHONE = 1 + HEADERS.index("Mobile No.")


def checked(window):
    review = window.review_screen
    wait_until(lambda: window.session.check is not None and not review.is_checking(), 30, "the check")


def current_place(review):
    index = review.view.currentIndex()
    return (review.model.row_at(index.row()).number, index.column()) if index.isValid() else None


def type_into_current_cell(qtbot, review, text):
    """Typing on a selected cell opens its editor (as in a spreadsheet); Enter commits."""
    qtbot.keyClick(review.view, Qt.Key.Key_F2)
    editor = review.view.viewport().findChild(QLineEdit)
    assert editor is not None
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)


def reviewing(window, person, path):
    person.use_sandbox()
    person.open_file(path)
    person.to_map()
    person.to_review()
    assert window.current_step() == REVIEW
    return window.review_screen


def test_fix_f8_fix_keeps_its_place_and_the_detail_pane_follows(window, person, qtbot, tmp_path):
    # rows 2..9; rows 3, 5 and 8 (i = 1, 3, 6) have a 5-digit phone
    review = reviewing(window, person, write_leads(tmp_path / "bad phones.csv", 8, bad=(1, 3, 6)))
    assert review.invalid_tile.value() == 3
    review.view.setFocus()
    qtbot.keyClick(review.view, Qt.Key.Key_F8)
    assert current_place(review) == (3, PHONE)
    for number, phone, after in ((3, "9876500003", 5), (5, "9876500005", 8), (8, "9876500008", None)):
        type_into_current_cell(qtbot, review, phone)
        qtbot.waitUntil(lambda: bool(window.session.edits.get(number)), timeout=2000)
        assert review.model.status_of(number) == READY
        checked(window)
        # the place is kept through the full check, and the pane shows the row's request
        assert current_place(review) == (number, PHONE)
        assert review.json_view.toPlainText() != "Checking again…"
        assert f'"91{phone}"' in review.json_view.toPlainText()
        assert f"Row {number}" in review.row_title.text()
        qtbot.keyClick(review.view, Qt.Key.Key_F8)
        if after is not None:
            assert current_place(review) == (after, PHONE)
    assert review.invalid_tile.value() == 0
    assert window.message_bar.label.text() == "No problems left to fix."


def test_leaving_a_row_out_shows_it_in_the_detail_pane(window, person, qtbot, tmp_path):
    review = reviewing(window, person, write_leads(tmp_path / "one bad.csv", 4, bad=(2,)))
    click_cell(qtbot, review.view, view_row_of(review, 4), PHONE)
    assert "not a phone number" in review.problem_list.item(0).text()
    person.click(review.exclude_button)
    texts = [review.problem_list.item(i).text() for i in range(review.problem_list.count())]
    assert texts and all(t.strip() for t in texts)
    assert "left out" in review.json_view.toPlainText()
    checked(window)
    assert "Row 4" in review.row_title.text() and "left out" in review.row_title.text()
    assert "left out" in review.json_view.toPlainText()


def test_another_file_never_shows_a_row_of_the_previous_one(window, person, qtbot, tmp_path):
    review = reviewing(window, person, write_leads(tmp_path / "first.csv", 8, bad=(6,)))
    click_cell(qtbot, review.view, view_row_of(review, 8), PHONE)
    assert "Row 8" in review.row_title.text()
    person.back()
    person.back()
    assert window.current_step() == OPEN
    person.open_file(write_leads(tmp_path / "second.csv", 2))
    person.to_map()
    person.next()  # Review: the screen shows before its check
    assert window.current_step() == REVIEW
    assert "Row 8" not in review.row_title.text()
    assert review.problem_list.count() == 0 or "not a phone" not in review.problem_list.item(0).text()
    assert "99999" not in review.json_view.toPlainText()
    checked(window)
    assert "Row 8" not in review.row_title.text()


def test_ctrl_z_undoes_a_fix_and_revert_drops_it(window, person, qtbot, tmp_path):
    review = reviewing(window, person, write_leads(tmp_path / "undo.csv", 3, bad=(1,)))
    click_cell(qtbot, review.view, view_row_of(review, 3), PHONE)
    type_into_current_cell(qtbot, review, "9876500003")
    qtbot.waitUntil(lambda: bool(window.session.edits.get(3)), timeout=2000)
    assert review.model.status_of(3) == READY
    qtbot.keyClick(review.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.session.edits == {}
    assert review.model.status_of(3) == INVALID
    assert review.model.data(review.model.index(view_row_of(review, 3), PHONE)) == "99999"
    checked(window)
    assert review.invalid_tile.value() == 1

    type_into_current_cell(qtbot, review, "9876500003")
    qtbot.waitUntil(lambda: bool(window.session.edits.get(3)), timeout=2000)
    assert review.revert_button.isVisible()
    person.click(review.revert_button)
    assert window.session.edits == {}
    assert review.model.status_of(3) == INVALID
    assert not review.revert_button.isVisible()
    qtbot.keyClick(review.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo the revert
    assert window.session.edits == {3: {"Mobile No.": "9876500003"}}
    assert review.model.status_of(3) == READY


def test_ctrl_z_undoes_a_fix_applied_to_every_row_at_once(window, person, qtbot, tmp_path):
    sheet = tmp_path / "ads.csv"
    sheet.write_text("Full Name,Mobile No.,Lead Source\n" + "".join(
        f"Lead {i},98{i:08d},{'Facebook' if i % 2 else 'Website'}\n" for i in range(6)), encoding="utf-8")
    review = reviewing(window, person, sheet)
    assert review.warning_tile.value() == 3
    person.click(review.next_problem_button)
    person.click(review.fix_button)  # "Use “Facebook Ads” for “Facebook” in 3 rows"
    checked(window)
    assert review.warning_tile.value() == 0 and len(window.session.edits) == 3
    review.view.setFocus()
    qtbot.keyClick(review.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.session.edits == {}  # one undo step for the three rows
    checked(window)
    assert review.warning_tile.value() == 3
