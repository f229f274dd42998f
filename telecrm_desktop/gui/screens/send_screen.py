"""Step 5: send. A QThread worker runs the core engine; the screen shows progress, rate and time
left, live counters, each token's state, and pause / resume / cancel. Cancel leaves the run
resumable: the journal keeps every lead's state, and "Send" continues where it stopped.

Over 400 lines: the run on screen (new, resumed, retried, stopped) decides every label, counter
and button at once; apart, they would disagree about which run they describe.
"""

from __future__ import annotations

import time

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox, QHBoxLayout, QLabel, QListWidget, QPushButton, QVBoxLayout,
)

# loaded with the screen: imported by the first Send (SendWorker), the engine's modules took 20 ms of
# the GUI thread (compiled from source where no .pyc is written)
import telecrm_desktop.core.send.engine  # noqa: F401
from telecrm_desktop.gui.widgets.parts import (
    CounterTile, QuietProgressBar, Screen, duration_text, page_header, titled_card,
)
from telecrm_desktop.gui.bridge import existing_leads
from telecrm_desktop.gui.bridge.workers import SendWorker, start_worker


class SendScreen(Screen):
    title = "Send"
    subtitle = ("Leads go out paced under each token's rate limit. You can pause, or cancel and "
                "continue later: nothing is sent twice.")

    run_finished = Signal()
    # a run ended: (title, the sentence shown, seconds it ran), for a desktop notification
    run_ended = Signal(str, str, float)

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.worker: SendWorker | None = None
        self._started_at = 0.0
        self._last_summary = None
        self._retry: tuple | None = None  # (run id, which) for a retry or resume
        self._stopped_run = None  # the run on screen stopped with leads to send: "Continue sending" resumes it
        self._shown_check = None  # the check whose run the numbers on screen describe
        self._before = None  # pipeline_bridge.RunNumbers of the run being sent

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(page_header(self))

        self.plan_label = QLabel()
        self.plan_label.setWordWrap(True)
        layout.addWidget(self.plan_label)

        options = QHBoxLayout()
        self.resend_uncertain_check = QCheckBox("Also send again leads whose answer never came (uncertain)")
        self.resend_uncertain_check.setToolTip("Their actions may be added twice in telecrm.")
        self.send_all_check = QCheckBox("Send leads even if the same request was queued before")
        options.addWidget(self.resend_uncertain_check)
        options.addWidget(self.send_all_check)
        options.addStretch(1)
        layout.addLayout(options)

        self.progress = QuietProgressBar()  # its setValue never repaints at once
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat("%v of %m leads")
        self.progress.setMinimumHeight(26)
        layout.addWidget(self.progress)
        self.rate_label = QLabel(" ")
        layout.addWidget(self.rate_label)

        tiles = QHBoxLayout()
        self.queued_tile = CounterTile("queued by telecrm", "ok")
        self.failed_tile = CounterTile("failed", "error")
        self.uncertain_tile = CounterTile("uncertain (no answer)", "warning")
        self.pending_tile = CounterTile("still to send")
        self.unchanged_tile = CounterTile("unchanged, skipped")
        for t in (self.queued_tile, self.failed_tile, self.uncertain_tile, self.pending_tile, self.unchanged_tile):
            tiles.addWidget(t)
        layout.addLayout(tiles)

        controls = QHBoxLayout()
        self.pause_button = QPushButton("Pause")
        self.pause_button.clicked.connect(self.toggle_pause)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop sending; what is not sent stays pending and can be sent later.")
        self.cancel_button.clicked.connect(self.cancel)
        controls.addWidget(self.pause_button)
        controls.addWidget(self.cancel_button)
        controls.addStretch(1)
        layout.addLayout(controls)

        lower = QHBoxLayout()
        tokens_card, tbox = titled_card("Tokens")
        self.token_list = QListWidget()
        self.token_list.setAccessibleName("Token states")
        self.token_list.setMaximumHeight(150)
        tbox.addWidget(self.token_list)
        lower.addWidget(tokens_card, 1)
        events_card, ebox = titled_card("What happened")
        self.event_list = QListWidget()
        self.event_list.setWordWrap(True)
        self.event_list.setAccessibleName("Events")
        self.event_list.setMaximumHeight(150)
        ebox.addWidget(self.event_list)
        lower.addWidget(events_card, 2)
        layout.addLayout(lower)
        layout.addStretch(1)
        self._set_running(False)

    # ----- starting -----
    def on_enter(self) -> None:
        if self.worker is None and self._retry is None:
            check = self.session.check
            view = getattr(self.session, "check_view", None) if check is not None else None
            n = view.lead_count if view else None
            if check is not self._shown_check:
                # another file or another check: the numbers of the run shown before are not this one's
                self._clear_display()
                self._stopped_run = None
                self._shown_check = check
            if self._before is None:  # no run on screen
                self.plan_label.setText(
                    f"Ready to send {n:,} leads to {self._workspace_text()}.{existing_leads.plan_text(self.session)}"
                    if n is not None
                    else "Check the rows on the Review step first.")
        self.footer_changed.emit()

    def _clear_display(self) -> None:
        self._last_summary = None
        self._before = None
        self.event_list.clear()
        self.token_list.clear()
        for tile in (self.queued_tile, self.failed_tile, self.uncertain_tile, self.pending_tile, self.unchanged_tile):
            tile.set_value(None)
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.rate_label.setText(" ")

    def _workspace_text(self) -> str:
        ws = self.session.workspace
        return "the sandbox workspace on this computer" if ws.use_sandbox else f"workspace {ws.enterprise_id}"

    def start(self) -> None:
        if self.worker is not None:
            return
        retry, self._retry = self._retry, None
        if retry is None and self._stopped_run is not None:
            retry = (self._stopped_run, "resume")  # the same run, straight from the journal
        self._stopped_run = None
        self._clear_display()
        self._shown_check = self.session.check if retry is None else None
        self.progress.setRange(0, 0)
        self.rate_label.setText("Preparing the run…")
        worker = SendWorker(
            self.session,
            resend_uncertain=self.resend_uncertain_check.isChecked() or (retry is not None and retry[1] == "uncertain"),
            send_all=self.send_all_check.isChecked(),
            run_id=retry[0] if retry else None,
        )
        worker.prepared.connect(self._prepared)
        worker.progress.connect(self._progress)
        worker.event.connect(self._event)
        worker.failed.connect(self._failed)
        worker.finished.connect(self._finished)
        self.worker = worker
        self._started_at = time.monotonic()
        start_worker(self, worker)
        self._set_running(True)

    def resume_run(self, run_id) -> None:
        self._clear_display()
        self._retry = (run_id, "resume")
        self.plan_label.setText(f"Continue run {run_id}: send what is still pending.")
        self.footer_changed.emit()

    def retry_run(self, run_id, which: str) -> None:
        self._clear_display()
        self._retry = (run_id, which)
        self.resend_uncertain_check.setChecked(which == "uncertain")
        words = {"failed": "failed leads", "uncertain": "uncertain leads (their actions may be doubled)"}
        self.plan_label.setText(f"Send the {words.get(which, which)} of run {run_id} again.")
        self.footer_changed.emit()

    # ----- worker signals -----
    def _prepared(self, run_id, total: int, tokens: list, unchanged: int, pace: str) -> None:
        from telecrm_desktop.gui.bridge.pipeline_bridge import RunNumbers

        worker = self.sender()
        before = getattr(worker, "before", None) or RunNumbers(leads=total, unchanged=unchanged, to_send=total)
        self._before = before
        self.session.run_id = run_id
        note = getattr(worker, "note", None)
        if note:
            self.message.emit("warning", note)
        self._event(f"Run {run_id}: {total:,} leads to send with {len(tokens)} token"
                    f"{'s' if len(tokens) != 1 else ''}, {pace}."
                    + (f" {unchanged:,} unchanged since an earlier run are skipped." if unchanged else ""))
        self._show_numbers(queued=0, failed=0, uncertain=0, to_send=total, done=0)
        self.unchanged_tile.set_value(before.unchanged)
        self.token_list.clear()
        for label, masked in tokens:
            self.token_list.addItem(f"{label}  {masked}  ·  waiting")
        self._token_labels = [(label, masked) for label, masked in tokens]
        earlier = before.done_before
        self.plan_label.setText(f"Run {run_id}: sending {total:,} leads to {self._workspace_text()}"
                                + (f" ({earlier:,} of its {before.leads:,} leads were done before)." if earlier else "."))
        self.session.run_changed.emit()

    def _show_numbers(self, *, queued: int, failed: int, uncertain: int, to_send: int, done: int) -> None:
        """This session's outcomes added to what the journal held for the run when it started."""
        before = self._before
        leads = max(before.leads if before else to_send, 1)
        earlier = (before.leads - to_send) if before else 0
        self.progress.setRange(0, leads)
        self.progress.setValue(min(earlier + done, leads))
        self.queued_tile.set_value((before.queued if before else 0) + queued)
        self.failed_tile.set_value(failed)
        self.uncertain_tile.set_value((before.uncertain if before else 0) + uncertain)
        self.pending_tile.set_value(max(0, to_send - done))

    def _progress(self, p) -> None:
        """p: core SendProgress; the engine already spaces these out (about 10 a second)."""
        counts = p.counts
        self._show_numbers(queued=counts.get("queued", 0), failed=counts.get("failed", 0),
                           uncertain=counts.get("uncertain", 0), to_send=p.total, done=p.done)
        left = p.total - p.done
        waiting_for_telecrm = getattr(p, "retry_in", None) is not None
        if p.paused:
            self.rate_label.setText("Paused. Requests already on their way still get their answers.")
        elif waiting_for_telecrm:
            self.rate_label.setText(f"telecrm cannot be reached; trying again in {max(1, round(p.retry_in))} s")
        elif p.rate > 0:
            self.rate_label.setText(f"{p.rate:,.1f} leads a second · about {duration_text(left / p.rate)} left"
                                    f" · {p.in_flight} on their way")
        else:
            self.rate_label.setText("Waiting for the rate limit…" if left else "Finishing…")
        active = set(p.active_tokens)
        cancelling = self.worker is not None and self.worker.control.cancelled
        for i, (label, masked) in enumerate(getattr(self, "_token_labels", [])):
            if label not in active:
                state = "refused by telecrm"
            else:
                state = ("stopping" if cancelling else "paused" if p.paused
                         else "waiting for telecrm" if waiting_for_telecrm else "sending")
            item = self.token_list.item(i)
            if item is not None:
                item.setText(f"{label}  {masked}  ·  {state}")

    def _tokens_at_rest(self, summary) -> None:
        """No request leaves once the run has ended: no token is left saying "sending"."""
        refused = set(getattr(summary, "tokens_out", []) or [])
        for i, (label, masked) in enumerate(getattr(self, "_token_labels", [])):
            item = self.token_list.item(i)
            if item is not None:
                state = "refused by telecrm" if label in refused else "stopped" if summary.stopped else "done"
                item.setText(f"{label}  {masked}  ·  {state}")

    def _event(self, text: str) -> None:
        self.event_list.addItem(text)
        self.event_list.scrollToBottom()

    def _failed(self, sentence: str) -> None:
        self.message.emit("error", sentence)

    def _finished(self, summary) -> None:
        worker = self.sender()
        if self.worker is None or worker is not self.worker:
            return
        self.worker = None
        self._set_running(False)
        self._last_summary = summary
        if (summary is None and self._before is not None) or (summary is not None and summary.stopped is not None):
            self._stopped_run = self.session.run_id  # prepared, then stopped or failed: Continue resumes it
        if summary is None:
            self.rate_label.setText("The run did not start.")
            self.progress.setRange(0, 1)
            return
        counts = worker.final_counts or {}
        self.final_counts = counts
        leads = getattr(worker, "final_lead_counts", None) or counts  # the screen counts leads, as it did while sending
        self.queued_tile.set_value(leads.get("queued", 0))
        self.failed_tile.set_value(leads.get("failed", 0))
        self.uncertain_tile.set_value(leads.get("uncertain", 0))
        self.pending_tile.set_value(leads.get("pending", 0))
        self.unchanged_tile.set_value(leads.get("unchanged", 0))
        total_leads = sum(leads.values())
        if total_leads:
            self.progress.setRange(0, total_leads)
            self.progress.setValue(total_leads - leads.get("pending", 0) - leads.get("failed", 0))
        self._tokens_at_rest(summary)
        elapsed = time.monotonic() - self._started_at
        if summary.stopped == "cancelled":
            text = (f"Cancelled after {duration_text(elapsed)}. {leads.get('pending', 0):,} leads were not "
                    "sent; press Send to continue where it stopped.")
        elif summary.stopped == "no_token":
            text = ("Stopped: telecrm refused every token (401). A Sync token pasted as an Async one, a "
                    "token deleted in telecrm, or a wrong enterprise ID all give this answer: check each "
                    "token's type and that it is still listed on telecrm's Settings → Website and API → "
                    "API token page, and compare the enterprise ID on the Workspace step with the one "
                    "shown there. The log above names each refused token.")
            self.message.emit("error", text)
        elif summary.stopped is not None:  # e.g. telecrm could not be reached
            reason = worker.final_reason or summary.stopped
            text = (f"Stopped after {duration_text(elapsed)}: {reason} ({leads.get('pending', 0):,} leads "
                    "waiting; press Send to continue).")
            self.message.emit("error", text)
        else:
            text = f"Done in {duration_text(elapsed)} at {summary.rate:,.1f} requests a second."
        self.rate_label.setText(text)
        self._event(text)
        run_id = self.session.run_id
        pending = leads.get("pending", 0)
        self.plan_label.setText(f"Run {run_id} to {self._workspace_text()}: " + (
            f"{pending:,} leads not sent yet." if pending else "every lead has an outcome."))
        self.session.run_changed.emit()
        title = {None: "Send finished", "cancelled": "Send cancelled"}.get(summary.stopped, "Send stopped")
        self.run_ended.emit(title, text, elapsed)
        if summary.stopped is None:
            self.run_finished.emit()

    # ----- controls -----
    def toggle_pause(self) -> None:
        if self.worker is None:
            return
        if self.worker.control.paused:
            self.worker.control.resume()
            self.pause_button.setText("Pause")
            self._event("Resumed.")
        else:
            self.worker.control.pause()
            self.pause_button.setText("Resume")
            self._event("Paused.")
        self.footer_changed.emit()

    def cancel(self) -> None:
        if self.worker is not None:
            self.worker.control.cancel()
            self.cancel_button.setEnabled(False)
            self.pause_button.setEnabled(False)
            self.rate_label.setText("Cancelling: waiting for the answers of requests already sent…")
            self.footer_changed.emit()

    def pause_for_close(self) -> None:
        """The window is closing mid-run: stop cleanly so the run can be resumed next time."""
        if self.worker is not None:
            self.worker.control.cancel()
            thread = self.worker.thread()
            thread.quit()
            thread.wait(15000)

    def worker_counts(self) -> dict:
        """Rows per status of the last run that ended (from the journal)."""
        return dict(getattr(self, "final_counts", {}) or {})

    def is_running(self) -> bool:
        return self.worker is not None

    def has_run(self) -> bool:
        """A run is being sent, or a past run waits to be continued or retried here."""
        return self.worker is not None or self._retry is not None or self._stopped_run is not None

    def _set_running(self, running: bool) -> None:
        self.pause_button.setEnabled(running)
        self.pause_button.setText("Pause")
        self.cancel_button.setEnabled(running)
        self.resend_uncertain_check.setEnabled(not running)
        self.send_all_check.setEnabled(not running)
        self.footer_changed.emit()

    # ----- footer -----
    def primary_text(self) -> str:
        if self.worker is not None:
            if self.worker.control.cancelled:
                return "Cancelling…"
            return "Paused" if self.worker.control.paused else "Sending…"
        if self._stopped_run is not None:
            return "Continue sending  (Ctrl+Enter)"
        if self._retry is not None:
            return "Continue sending  (Ctrl+Enter)" if self._retry[1] == "resume" else "Send again  (Ctrl+Enter)"
        return "Send  (Ctrl+Enter)"

    def primary_enabled(self) -> bool:
        if self.worker is not None:
            return False
        if self._retry is not None or self._stopped_run is not None:
            return True
        return self.session.check is not None

    def on_primary(self) -> bool:
        if self.worker is None and not self._confirmed_new_run():
            return False
        self.start()
        return False

    def _confirmed_new_run(self) -> bool:
        """A new run to a real workspace is asked about first (see send_confirm); the sandbox, a
        continue, a resume and a retry are not."""
        continuing = self._retry is not None or (
            self._last_summary is not None and self._last_summary.stopped == "cancelled")
        if self.session.workspace.use_sandbox or continuing:
            return True
        from telecrm_desktop.gui.screens.send_confirm import confirm_send, send_facts

        view = getattr(self.session, "check_view", None)
        return confirm_send(self, send_facts(self.session, view.lead_count if view else 0))
