"""QThread bridges: each runs one core job off the GUI thread and turns its callbacks into signals.

Every worker has the same shape (`run`, `cancel`, signals `progress`, `failed`, `finished`) and
throttles its progress to about ten signals a second, so a fast core never floods the event loop.
"""

from __future__ import annotations

import logging
import threading
import time
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal

# The app imports these core modules at start (app.CORE_MODULES) and the screens import this
# module at start: importing them here costs no start-up time and no first-click stall.
from telecrm_desktop.core.addresses import EnterpriseIdError
from telecrm_desktop.core.send.run_claim import RunBusy
from telecrm_desktop.core.secrets import SecretsError, redact
from telecrm_desktop.core.send.engine import SendControl
from telecrm_desktop.core.sources import detect_header_row, open_sheet, read_table
from telecrm_desktop.core.paths import spool_dir
from telecrm_desktop.core.sources.row_store import RowStore
from telecrm_desktop.core.sources.table import SourceError
from telecrm_desktop.core.storage import StorageProblem
from telecrm_desktop.core.template.mapping import MappingError
from telecrm_desktop.core.workspace import schema_io
from telecrm_desktop.core.workspace.landed import choose_sample, verify_landed
from telecrm_desktop.core.workspace.sync_client import SyncClient, SyncError
from telecrm_desktop.gui.bridge import outcome_pages, pipeline_bridge
from telecrm_desktop.gui.bridge.engine_process import EngineProcessError
from telecrm_desktop.gui.bridge.collector import collector_paused
from telecrm_desktop.gui.bridge.gil import taking_turns
from telecrm_desktop.gui.bridge.jobs import Jobs
from telecrm_desktop.gui.bridge.pipeline_bridge import RunElsewhere
from telecrm_desktop.gui.bridge.schema_link import sync_access
from telecrm_desktop.gui.bridge.token_store import sentence
from telecrm_desktop.gui.network_settings import network_settings

log = logging.getLogger(__name__)

PROGRESS_INTERVAL = 0.1  # seconds between two progress signals
FIRST_SCREEN_ROWS = 200  # rows sent at once so the first screen shows immediately
STORE_BATCH = 1000  # rows written to the row store at a time
FIRST_PAINT_PAUSE = 0.06  # seconds the reader waits after sending the first screen
PREVIEW_PAINT_WAIT = 0.25  # at most this long the reader waits for the preview to be painted


def _lower_first(text: str) -> str:
    """A sentence to follow a colon: "The file…" -> "the file…", but "TELECRM_SYNC_URL…" stays."""
    return text if text[:2].isupper() else text[:1].lower() + text[1:]


def _expected(exc: Exception) -> bool:
    # a Sync API refusal or outage is telecrm's answer, said in full: no traceback in the log
    return isinstance(exc, (SourceError, SecretsError, EnterpriseIdError, MappingError, RunBusy, StorageProblem,
                            SyncError))


class Throttle:
    def __init__(self, interval: float = PROGRESS_INTERVAL):
        self.interval = interval
        self._last = 0.0

    def ready(self) -> bool:
        now = time.monotonic()
        if now - self._last >= self.interval:
            self._last = now
            return True
        return False


class Worker(QObject):
    progress = Signal(object)  # job-specific progress value
    failed = Signal(str)  # one sentence for the user
    finished = Signal(object)  # the job's result (None when cancelled or failed)
    pauses_collector = False  # see collector_paused: jobs that build many long-lived objects

    def __init__(self):
        super().__init__()
        self._stop = threading.Event()

    def cancel(self) -> None:
        self._stop.set()

    @property
    def cancelled(self) -> bool:
        return self._stop.is_set()

    def run(self) -> None:
        result = None
        try:
            with collector_paused() if self.pauses_collector else nullcontext():
                result = self.work()
        except Exception as exc:  # noqa: BLE001 - every failure becomes a sentence, details to the log
            sentence = self.describe_failure(exc)
            if _expected(exc):  # a file, template or keyring problem: the sentence says it all
                log.info("%s: %s", type(self).__name__, sentence)
            else:
                log.exception("%s failed", type(self).__name__)
            self.failed.emit(sentence)
        self.finished.emit(result)

    def work(self) -> Any:
        raise NotImplementedError

    def describe_failure(self, exc: Exception) -> str:
        if isinstance(exc, SourceError):
            return str(exc)
        return f"The job stopped because of an unexpected problem ({type(exc).__name__}: {exc})."


def start_worker(owner: QObject, worker: Worker) -> QThread:
    """Run `worker` as one of `owner`'s jobs (jobs.Jobs: a QThread per worker, ended with it)."""
    return Jobs.of(owner).start(worker)


def stop_workers(owner: QObject, wait_ms: int = 15000) -> None:
    """Cancel `owner`'s running jobs and wait for their threads (the window is closing)."""
    Jobs.of(owner).stop_all(wait_ms)


class SheetReadWorker(Worker):
    """Opens a file, shows its top at once, then reads every data row below the header."""

    pauses_collector = True

    opened = Signal(object, object, int)  # source, preview records, header row in use
    table_ready = Signal(object)  # core Table; the worker's `rows` (a RowStore) is then ready to share
    rows_read = Signal(int)  # rows in the store so far

    def __init__(self, path: Path, *, sheet=None, encoding=None, delimiter=None, header_row=None,
                 template_sheet=None):
        super().__init__()
        self.path, self.sheet, self.encoding, self.delimiter = Path(path), sheet, encoding, delimiter
        self.header_row = header_row
        self.template_sheet = template_sheet  # the sheet a saved template for this file names, if any
        self._preview_painted = threading.Event()

    def preview_painted(self) -> None:
        """The window has painted the preview (called from the GUI thread): read on."""
        self._preview_painted.set()

    def cancel(self) -> None:
        super().cancel()
        self._preview_painted.set()

    def work(self):
        source = None
        if self.sheet is None and self.template_sheet:
            try:  # a template's sheet wins over the one that looks like the data
                source = open_sheet(self.path, sheet=self.template_sheet, stream_xlsx=True)
                source.sheet_chosen = "template"
            except SourceError:
                source = None  # this workbook has no such sheet: choose as usual
        if source is None:
            # an .xlsx is streamed whatever its size: the window shares the computer with a browser
            source = open_sheet(self.path, sheet=self.sheet, encoding=self.encoding, delimiter=self.delimiter,
                                stream_xlsx=True)
        preview = source.preview(50)
        header_row = self.header_row or (detect_header_row(preview) if preview else 1)
        self.opened.emit(source, preview, header_row)
        # the preview is painted through the model's Python methods, each a wait for this thread's
        # turn on the interpreter lock: reading on meanwhile stretched that paint to 60-100 ms
        self._preview_painted.wait(PREVIEW_PAINT_WAIT)
        table = read_table(source, header_row)
        estimate = source.estimated_records()
        self.rows = rows = RowStore(folder=str(spool_dir()))  # the LoadedSheet's rows: filled here
        self.table_ready.emit(table)
        # the first screen comes from the preview (an .xlsx's is streamed from the zip, long
        # before the full read gets there); the full read then carries on below it
        first = list(table.rows(source.preview(header_row + FIRST_SCREEN_ROWS)))
        if first:
            rows.extend(first)
            self.rows_read.emit(len(first))
            self.progress.emit((len(first), source.progress(), estimate))
        # the window lays out and paints the file's top without the reading loop beside it
        # competing for the interpreter lock (measured: 70-100 ms stalls on that first paint)
        time.sleep(FIRST_PAINT_PAUSE)
        shown = first[-1].number if first else header_row
        del first
        batch: list = []
        throttle = Throttle()
        for row in taking_turns(table.rows()):
            if self.cancelled:
                return None
            if row.number > shown:
                batch.append(row)
            if len(batch) >= STORE_BATCH or (not rows and len(batch) >= FIRST_SCREEN_ROWS):
                rows.extend(batch)
                batch = []
                if throttle.ready():
                    self.rows_read.emit(len(rows))
                    self.progress.emit((len(rows), source.progress(), estimate))
        rows.extend(batch)
        self.rows_read.emit(len(rows))
        self.progress.emit((len(rows), 1.0, estimate))
        return table


class SendWorker(Worker):
    """Prepares a journal run from the checked leads (or reopens one), then runs the core engine.

    The engine already spaces its progress callbacks out; they are passed on as signals as they come.
    """

    # run id, leads to send, [(token label, masked)], leads skipped as unchanged, pacing in words
    prepared = Signal(object, int, list, int, str)
    event = Signal(str)

    def __init__(self, session, *, resend_uncertain=False, send_all=False, run_id=None):
        super().__init__()
        self.session = session
        self.resend_uncertain, self.send_all, self.run_id = resend_uncertain, send_all, run_id
        self.control = SendControl()
        self.final_counts: dict[str, int] | None = None
        self.final_reason: str | None = None  # why the run stopped, in words (pipeline_bridge.stop_reason)
        self.before = None  # pipeline_bridge.RunNumbers: the run's leads as the journal counted them at start
        self.note: str | None = None  # one sentence when a past run's file moved or changed

    def cancel(self) -> None:
        super().cancel()
        self.control.cancel()

    def work(self):
        job = pipeline_bridge.SendJob.prepare(
            self.session, run_id=self.run_id, send_all=self.send_all,
            resend_uncertain=self.resend_uncertain, on_event=self.event.emit,
        )
        try:
            self.before, self.note = job.before, job.note  # read by the screen when `prepared` arrives
            self.prepared.emit(job.run_id, job.total, job.token_names(), job.unchanged, job.pace_text())
            if self.cancelled:
                self.control.cancel()
            from telecrm_desktop.gui.bridge import run_log

            def on_event(text: str) -> None:
                run_log.append(job.run_id, text)  # the run's own log, shown again in Results
                self.event.emit(text)

            summary = job.run(self.control, on_progress=self.progress.emit, on_event=on_event)
            self.final_counts = job.finish(summary)
            self.final_lead_counts = job.final_lead_counts
            self.final_reason = job.reason
            return summary
        finally:
            job.close()

    def describe_failure(self, exc: Exception) -> str:
        from telecrm_desktop.gui.bridge.existing_leads import LookupNeeded

        if isinstance(exc, (RunElsewhere, EngineProcessError, LookupNeeded)):
            return redact(str(exc))
        if isinstance(exc, (RunBusy, StorageProblem)):  # another window sends this sheet; the data folder
            text = str(exc)
            return text[:1].upper() + text[1:] + "."
        if isinstance(exc, SecretsError):
            return redact(sentence(str(exc)))
        return redact(super().describe_failure(exc))


class SchemaWorker(Worker):
    """Learns the workspace's fields, actions, pipeline and team through the Sync API and caches
    them in the data folder (core.workspace.schema_io); the sandbox answers the same requests."""

    def __init__(self, workspace):
        super().__init__()
        self.workspace = workspace

    def work(self):
        url, enterprise, token = sync_access(self.workspace)
        with SyncClient(url, enterprise, token, network=network_settings()) as client:
            schema = schema_io.pull_schema(client)
        schema_io.save_schema(schema)
        return schema

    def describe_failure(self, exc: Exception) -> str:
        text = str(exc) or type(exc).__name__
        return redact(f"The workspace's fields could not be learnt: {_lower_first(text)}")


class HistoryWorker(Worker):
    """Reads past runs and one run's counts and first page of outcomes (`first_screen`), then what
    takes seconds at a million rows: the first row of every page and the merges sentence (the
    Results table reads the other pages as they are painted: bridge.outcome_pages)."""

    first_screen = Signal(object)  # (runs, run id, outcome_pages.RunOutcomes without page starts)

    def __init__(self, run_id=None, enterprise_id: str | None = None):
        super().__init__()
        self.run_id = run_id
        self.enterprise_id = enterprise_id  # only this workspace's runs (all when None)
        self.merges = ""

    def work(self):
        outcome_pages.behind_the_window()  # its scans of a big run must not slow the window's painting
        runs = pipeline_bridge.past_runs(self.enterprise_id)
        if self.enterprise_id is not None and all(r.id != self.run_id for r in runs):
            self.run_id = None  # a run of another workspace is not shown under this one
        run_id = self.run_id if self.run_id is not None else (max((r.id for r in runs), default=None))
        if run_id is None:
            self.first_screen.emit((runs, None, None))
            return runs, None, None
        counts = next((r.counts for r in runs if r.id == run_id), None)
        shown = outcome_pages.read_first_screen(run_id, counts)
        self.first_screen.emit((runs, run_id, shown))
        if self.cancelled:
            return None
        shown.page_starts = outcome_pages.read_page_starts(run_id)
        self.merges = pipeline_bridge.merges_text(run_id)  # read with the result
        return runs, run_id, shown

    def describe_failure(self, exc: Exception) -> str:
        return f"The history of past runs could not be read: {exc}"


class LandedWorker(Worker):
    """After a send: looks the queued leads (all of a small run, a sample of a big one) up through
    the Sync API's lead/search and compares them with what was sent (core.workspace.landed)."""

    def __init__(self, workspace, leads, identifier_field: str, run_id: int | None = None):
        super().__init__()
        self.workspace, self.leads, self.identifier_field = workspace, leads, identifier_field
        self.run_id = run_id  # when given, only the leads this run queued are looked up
        self.sample_text = ""  # which leads were looked up, in words

    def work(self):
        if self.run_id is not None:  # a failed or pending lead was never meant to be there
            # the journal picks the sample among the run's queued leads, as the command line's check does:
            # neither the queued identifiers nor the queued leads of a big run are ever all in a list
            wanted, queued = pipeline_bridge.landed_sample(self.run_id)
            sample = [lead for lead in self.leads if lead.identifier in wanted]
        else:
            sample = choose_sample(self.leads)
            queued = len(self.leads)
        url, enterprise, token = sync_access(self.workspace)
        self.sample_text = (f"all {queued:,} queued leads of this run" if len(sample) == queued
                            else f"a random {len(sample):,} of the {queued:,} queued leads")
        with SyncClient(url, enterprise, token, network=network_settings()) as client:
            return verify_landed(client, sample, self.identifier_field, recheck_after=5.0)

    def describe_failure(self, exc: Exception) -> str:
        text = str(exc) or type(exc).__name__
        return redact(f"The leads could not be looked up in telecrm: {_lower_first(text)}")
