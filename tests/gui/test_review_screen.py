"""Review step: a dropdown value that would create a new option is fixed for every row at once
with the nearest option the workspace has (the sandbox's "Contact Source" has "Facebook Ads")."""

import csv

from PySide6.QtCore import Qt

from telecrm_desktop.gui.flow_driver import FlowDriver, wait_until


def test_one_click_fix_for_a_dropdown_typo(window, qtbot, tmp_path):
    sheet = tmp_path / "ads.csv"
    with sheet.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["Full Name", "Mobile No.", "Lead Source"])
        for i in range(6):
            w.writerow([f"Lead {i}", f"98{i:08d}", "Facebook" if i % 2 else "Website"])
    driver = FlowDriver(window, timeout=30)
    driver.use_sandbox()
    driver.open_file(sheet)
    driver.accept_mapping()
    assert window.map_screen.model.target_paths(2) == ["fields.contact_source"]
    driver.review()
    review = window.review_screen
    assert review.warning_tile.value() == 3

    review.select_next_problem()
    assert review.fix_button.isVisible()
    assert "Facebook Ads" in review.fix_button.text() and "3 rows" in review.fix_button.text()
    qtbot.mouseClick(review.fix_button, Qt.MouseButton.LeftButton)
    wait_until(lambda: window.session.check is not None and not review.is_checking(), 30, "the check")
    assert review.warning_tile.value() == 0
    assert {n: e["Lead Source"] for n, e in window.session.edits.items()} == {3: "Facebook Ads", 5: "Facebook Ads",
                                                                             7: "Facebook Ads"}
    assert '"contact_source": "Facebook Ads"' in review.result.request_json(3)


def test_leave_out_rows_and_filter(window, qtbot, tmp_path):
    from telecrm_desktop.gui.models.review_model import EXCLUDED, SHOW_EXCLUDED

    from tests.gui.test_flow import write_leads

    driver = FlowDriver(window, timeout=30)
    driver.use_sandbox()
    driver.open_file(write_leads(tmp_path / "five.csv", 5, bad=(2,)))
    driver.accept_mapping()
    driver.review()
    review = window.review_screen
    assert review.ready_tile.value() == 4 and review.invalid_tile.value() == 1
    review.view.setCurrentIndex(review.model.index(0, 1))  # row 2
    qtbot.mouseClick(review.exclude_button, Qt.MouseButton.LeftButton)
    assert review.model.status_of(2) == EXCLUDED and review.excluded_tile.value() == 1
    wait_until(lambda: window.session.check is not None and not review.is_checking(), 30, "the check")
    assert review.ready_tile.value() == 3
    review.filter_combo.setCurrentIndex(review.filter_combo.findData(SHOW_EXCLUDED))
    assert review.model.rowCount() == 1 and review.model.row_at(0).number == 2
    assert review.json_view.toPlainText() == ""  # the filter cleared the details
    cell = review.model.index(0, 1)
    qtbot.mouseClick(review.view.viewport(), Qt.MouseButton.LeftButton, pos=review.view.visualRect(cell).center())
    assert "Row 2" in review.row_title.text()
    assert review.json_view.toPlainText() == "This row is left out: it will not be sent."


def test_the_screen_shows_before_its_rows_and_a_new_mapping_refills_it(window, qtbot, tmp_path):
    """Entering a stale Review screen paints it empty first, then puts the rows in and checks
    them: the state reached is the same as before the split (every row, checked once)."""
    from telecrm_desktop.gui.main_window import MAP, REVIEW

    from tests.gui.test_flow import write_leads

    driver = FlowDriver(window, timeout=30)
    driver.use_sandbox()
    driver.open_file(write_leads(tmp_path / "seven.csv", 7, bad=(3,)))
    driver.accept_mapping()
    review = window.review_screen
    window.go_to(REVIEW)
    assert review.model.rowCount() == 0 and review.is_checking()  # shown first, no rows yet
    assert review.model.headers == window.session.sheet.table.headers
    wait_until(lambda: review.model.rowCount() == 7, 5, "the rows")
    wait_until(lambda: window.session.check is not None and not review.is_checking(), 30, "the check")
    assert review.ready_tile.value() == 6 and review.invalid_tile.value() == 1
    assert review.primary_enabled()

    window.go_to(MAP)  # a changed mapping makes the screen stale: refilled and checked again
    city = window.map_screen.model.headers.index("City")
    window.map_screen.model.setData(window.map_screen.model.index(city, 2), "")
    assert window.session.check is None
    window.go_to(REVIEW)
    assert review.model.rowCount() == 0
    wait_until(lambda: window.session.check is not None and not review.is_checking(), 30, "the check again")
    assert review.model.rowCount() == 7 and "City" in review.model.ignored


def test_a_big_selection_is_left_out_in_pieces_and_the_check_waits_for_the_last(window, qtbot, tmp_path,
                                                                                monkeypatch):
    from telecrm_desktop.gui.screens import review_screen
    from tests.gui.test_flow import write_leads

    monkeypatch.setattr(review_screen, "LEAVE_OUT_AT_ONCE", 7)  # 7 rows per turn of the event loop
    driver = FlowDriver(window, timeout=30)
    driver.use_sandbox()
    driver.open_file(write_leads(tmp_path / "sixty.csv", 60))
    driver.accept_mapping()
    driver.review()
    review = window.review_screen
    model = review.model
    # rows 12..51 selected as a person does (a click, then a shift-click 40 rows down), then
    # "Leave out selected rows"
    view = review.view
    for index, modifier in ((model.index(10, 1), Qt.KeyboardModifier.NoModifier),
                            (model.index(49, 1), Qt.KeyboardModifier.ShiftModifier)):
        view.scrollTo(index)
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, modifier, view.visualRect(index).center())
    assert {i.row() for i in view.selectionModel().selectedIndexes()} == set(range(10, 50))
    qtbot.mouseClick(review.exclude_button, Qt.MouseButton.LeftButton)
    assert review.is_checking() and len(window.session.excluded) == 7  # the first piece only, so far
    wait_until(lambda: window.session.check is not None and not review.is_checking(), 30, "the check")
    assert window.session.excluded == set(range(12, 52))
    assert review.excluded_tile.value() == 40 and review.ready_tile.value() == 20
    assert window.session.check.left_out_count == 40
