"""Results: a left-out row stays in the counts and result files as left out; merged duplicates are
explained; each row shows the lead's name beside its identifier."""

import csv
import os

from telecrm_desktop.gui.flow_driver import wait_until
from telecrm_desktop.gui.main_window import RESULTS

from tests.gui.acceptance.conftest import click_cell, view_row_of, write_leads


def test_left_out_and_merged_rows_are_accounted_for(window, person, qtbot, tmp_path):
    # rows 2..7; row 7 repeats row 2's phone (merged); row 4 is left out by the person
    sheet = write_leads(tmp_path / "expo.csv", 6, duplicate_of=0)
    person.use_sandbox()
    person.open_file(sheet)
    person.to_map()
    person.to_review()
    review = window.review_screen
    click_cell(qtbot, review.view, view_row_of(review, 4), 1)
    person.click(review.exclude_button)
    wait_until(lambda: window.session.check is not None and not review.is_checking(), 30, "the check again")
    assert review.excluded_tile.value() == 1
    person.next()
    person.send_and_wait()
    assert window.current_step() == RESULTS
    results = window.results_screen
    wait_until(lambda: not results.is_loading(), 10, "the results")
    assert results.tiles["left out"].value() == 1
    assert results.tiles["queued"].value() == 5  # 4 leads; the merged pair counted per row
    assert results.model.rowCount() == 6  # every row of the file, the left-out one too
    assert "5 rows became 4 leads: rows 2 and 7 were the same lead." in results.merges_label.text()
    assert results.merges_label.isVisible()
    model = results.model
    by_row = {model.data(model.index(r, 0)): r for r in range(model.rowCount())}
    assert model.data(model.index(by_row["4"], 3)) == "left out"
    assert model.data(model.index(by_row["3"], 2)) == "Lead 1"  # the name beside the identifier
    assert "9800000001" in model.data(model.index(by_row["3"], 1))
    with open(os.path.join(results.current_run.results_dir, "results.csv"), encoding="utf-8-sig") as f:
        lines = {r["row"]: r for r in csv.DictReader(f)}
    assert lines["4"]["status"] == "left out"
    assert "left out" in lines["4"]["reason"]
    assert len(lines) == 6
