"""The Review step's check in the background: every row of the sheet checked and merged into leads
(core.check.sheet_check, the command line's own), kept compactly, with what the review screen's
filters need worked out in the same thread."""

from __future__ import annotations

from telecrm_desktop.core.paths import spool_dir
from telecrm_desktop.core.template.mapping import MappingError

# leads the check's merger keeps in memory before it moves them to its SQLite file: the window
# shares the computer with a browser and Excel (the command line keeps 200,000, about 100 MB)
LEADS_IN_MEMORY = 5_000
# below this many rows the check runs in this process: two worker processes cost about 110 MB and
# save a second at 100,000 rows (3.0 s against 2.0 s measured), minutes at a million
PARALLEL_FROM_ROWS = 200_000
from telecrm_desktop.gui.bridge.gil import give_way
from telecrm_desktop.gui.bridge.pipeline_bridge import check_view
from telecrm_desktop.gui.bridge.workers import Throttle, Worker


class CheckWorker(Worker):
    """Checks every row and merges leads (core.check.sheet_check, as the command line's send does),
    kept compactly, plus what the review screen's filters need (pipeline_bridge.check_view)."""

    # a million decoded rows and verdicts go by: no full collection holds the interpreter lock meanwhile
    pauses_collector = True

    def __init__(self, table, mapping, schema=None, file_table=None):
        super().__init__()
        self.table, self.mapping, self.schema = table, mapping, schema  # table: gui EditedTable
        self.store = getattr(table, "loaded_rows", None)
        self.file_table = file_table  # the file as read: its workers parse it when nothing was corrected

    def work(self):
        # imported here, in the worker's thread on the first check: the merger's JSON writer
        # (orjson, 8 ms) is not needed before the window shows
        from telecrm_desktop.core.check.parallel import worker_count
        from telecrm_desktop.core.check.pipeline import RowPlan
        from telecrm_desktop.core.check.sheet_check import check_sheet
        from telecrm_desktop.core.sources.table import SourceError

        throttle = Throttle()

        def on_progress(*args):
            give_way()
            if throttle.ready():
                self.progress.emit(args)

        table = self.table
        plan = RowPlan(table.headers, self.mapping, None, self.schema)
        # a big sheet is checked on every core, in new processes (this one runs Qt threads)
        rows = len(self.store) if self.store is not None else 0
        workers = worker_count(rows) if rows >= PARALLEL_FROM_ROWS else 0
        options = dict(on_progress=on_progress, should_stop=self._stop.is_set, workers=workers, start="spawn",
                       left_out=getattr(table, "excluded", frozenset()), spool_after=LEADS_IN_MEMORY,
                       folder=str(spool_dir()))
        sheet = None
        if workers and self._file_splits() and not table.edits and not table.excluded:
            try:  # nothing corrected: the workers parse the file themselves, as the command line's do
                sheet = check_sheet(self.file_table, plan, **options)
            except SourceError:  # changed on disk since it was read: check what the window holds
                sheet = None
        if sheet is None:
            sheet = check_sheet(table, plan, **options)
        if self.cancelled:
            sheet.close()
            return None
        # the filters' rows, worked out here, off the GUI thread
        view = check_view(sheet, self.store)
        return sheet, view

    def _file_splits(self) -> bool:
        """A CSV file the workers can cut into chunks (a workbook is read here: from the row store)."""
        from telecrm_desktop.core.sources.csv_source import CsvSource

        source = getattr(self.file_table, "source", None)
        return isinstance(source, CsvSource) and source.splittable()

    def describe_failure(self, exc: Exception) -> str:
        if isinstance(exc, MappingError):  # e.g. the template maps no column to the identifier
            text = str(exc).strip()
            return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")
        return super().describe_failure(exc)
