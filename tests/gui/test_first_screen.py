"""The reading worker shows an .xlsx's first screen from the preview, before the sheet is loaded."""

from __future__ import annotations

import openpyxl

from telecrm_desktop.gui.bridge.workers import FIRST_SCREEN_ROWS, SheetReadWorker


def test_first_screen_comes_before_the_full_load_and_rows_are_not_repeated(app, tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Leads from the expo"])
    ws.append(["Name", "Phone", "City"])
    for n in range(3, 3 + FIRST_SCREEN_ROWS + 300):
        if n % 50:  # a few blank rows the reader skips
            ws.append([f"Lead {n}", 9800000000 + n, "Pune"])
        else:
            ws.append([])
    wb.save(tmp_path / "leads.xlsx")

    worker = SheetReadWorker(tmp_path / "leads.xlsx")
    opened, batches = [], []
    worker.opened.connect(lambda source, preview, header: opened.append((source, header)))
    worker.rows_read.connect(lambda count: batches.append((count, opened[0][0]._loaded is None)))
    table = worker.work()  # run here, in this thread: signals arrive directly

    assert opened[0][1] == 2
    first, loaded_later = batches[0]
    assert loaded_later, "the first screen waited for the whole sheet"
    assert first >= FIRST_SCREEN_ROWS * 0.9
    assert [count for count, _ in batches] == sorted(count for count, _ in batches)
    every = list(worker.rows)  # the row store the window shows
    numbers = [row.number for row in every]
    assert numbers == sorted(set(numbers))  # nothing twice, nothing out of order
    assert every == list(table.rows())
    assert every[0].values == ("Lead 3", 9800000003.0, "Pune")


def test_the_reader_waits_for_the_preview_to_be_painted(app, tmp_path, monkeypatch):
    """The reader holds back after `opened` until the window says the preview is painted (so the
    paint's calls into Python do not queue behind it), and never longer than PREVIEW_PAINT_WAIT."""
    import time

    from telecrm_desktop.gui.bridge import workers

    path = tmp_path / "leads.csv"
    path.write_text("Name,Phone\n" + "".join(f"Lead {n},98000{n:05d}\n" for n in range(50)), encoding="utf-8")
    monkeypatch.setattr(workers, "PREVIEW_PAINT_WAIT", 0.3)

    def timed(confirm: bool) -> float:
        worker = SheetReadWorker(path)
        moments = {}
        worker.opened.connect(lambda *a: (moments.setdefault("opened", time.perf_counter()),
                                          worker.preview_painted() if confirm else None))
        worker.table_ready.connect(lambda table: moments.setdefault("table", time.perf_counter()))
        worker.work()
        return moments["table"] - moments["opened"]

    assert timed(confirm=False) >= 0.29  # nobody painted: it waited the whole while, then read on
    assert timed(confirm=True) < 0.29  # painted at once: no wait


def test_the_open_screen_tells_the_reader_once_the_preview_is_painted(window, tmp_path, monkeypatch):
    from telecrm_desktop.gui.flow_driver import wait_until

    from tests.gui.test_flow import write_leads

    painted = []
    original = SheetReadWorker.preview_painted
    monkeypatch.setattr(SheetReadWorker, "preview_painted", lambda self: (painted.append(self.path), original(self)))
    window.workspace_screen.sandbox_radio.setChecked(True)
    path = write_leads(tmp_path / "told.csv", 5)
    window.open_path(path)
    wait_until(lambda: window.session.sheet is not None and window.session.sheet.complete, 20, "told.csv")
    assert painted == [path]
    assert window.open_screen.preview_model.rowCount() > 0
