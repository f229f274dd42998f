"""A run that stops says why in plain words: in the journal (history), and on the send screen."""

from PySide6.QtCore import QObject, Signal

from telecrm_desktop.core import paths
from telecrm_desktop.core.send.journal import Journal, RowRecord
from telecrm_desktop.core.send.engine import STOP_CANCELLED, STOP_NO_TOKEN, STOP_UNREACHABLE, SendSettings, SendSummary
from telecrm_desktop.core.send.runs import new_lead
from telecrm_desktop.gui.models.results_model import run_state_text
from telecrm_desktop.gui.bridge.destination import Destination
from telecrm_desktop.gui.bridge.pipeline_bridge import SendJob
from telecrm_desktop.gui.screens.send_screen import SendScreen
from telecrm_desktop.gui.session import ImportSession as Session

ENTERPRISE = "0123456789abcdef01234567"


def summary(stopped) -> SendSummary:
    return SendSummary(stopped=stopped, counts={"queued": 1}, tokens_out=[], requests=1, rate_limited=0, elapsed=1.0)


def finished_run(stopped, settings: SendSettings):
    """A real journal run of three leads, one queued, closed by SendJob.finish."""
    journal = Journal(paths.journal_path())
    run = journal.start_run(ENTERPRISE, "leads.csv", "file", "template")
    leads = [new_lead(f"91980000000{i}", [i + 2], {"fields": {"phone": f"91980000000{i}"}}) for i in range(3)]
    journal.add_leads(run.id, ENTERPRISE, leads)
    journal.add_rows(run.id, [RowRecord(lead.rows[0], lead.identifier, lead.identifier) for lead in leads])
    journal.write_batch(run.id, ENTERPRISE, finished=[(1, "queued", "", leads[0].body_hash)])
    job = SendJob(journal, run.id, Destination(ENTERPRISE, "http://127.0.0.1:1", []), settings, 3, Session())
    job.same_file = False
    try:
        counts = job.finish(summary(stopped))
        return job, journal.run(run.id), counts
    finally:
        job.close()


def test_unreachable_becomes_a_sentence_naming_the_wait_and_the_pending_leads(qapp):
    job, run, counts = finished_run(STOP_UNREACHABLE, SendSettings())
    assert run.state == "stopped"
    assert run.stop_reason == job.reason == (
        "telecrm could not be reached for 10 minutes; the leads not sent yet are kept and go out when you "
        "continue the run")
    assert run_state_text(run).startswith("stopped (telecrm could not be reached for 10 minutes;")
    assert counts == {"queued": 1, "pending": 2}


def test_a_scaled_down_wait_is_named_in_seconds(qapp):
    _, run, _ = finished_run(STOP_UNREACHABLE, SendSettings(unreachable_limit=45))
    assert run.stop_reason.startswith("telecrm could not be reached for 45 seconds;")


def test_cancelled_and_refused_tokens_read_as_sentences(qapp):
    _, cancelled, _ = finished_run(STOP_CANCELLED, SendSettings())
    assert cancelled.stop_reason == ("you cancelled it; the leads not sent yet are kept and go out when you "
                                     "continue the run")
    _, refused, _ = finished_run(STOP_NO_TOKEN, SendSettings())
    assert refused.stop_reason == "telecrm refused every token"
    job, finished, _ = finished_run(None, SendSettings())
    assert finished.state == "finished" and finished.stop_reason is None and job.reason is None


class FakeWorker(QObject):
    """Stands in for SendWorker at its end: the screen reads final_counts/final_reason and the signal."""

    finished = Signal(object)
    final_counts = {"queued": 5, "pending": 7}
    final_reason = "telecrm could not be reached for 10 minutes; the leads not sent yet are kept and go out " \
                   "when you continue the run"


def test_the_send_screen_says_the_run_stopped_because_telecrm_was_unreachable(qtbot):
    session = Session()
    screen = SendScreen(session)
    qtbot.addWidget(screen)
    messages = []
    screen.message.connect(lambda kind, text: messages.append((kind, text)))
    worker = FakeWorker()
    worker.finished.connect(screen._finished)
    screen.worker = worker
    worker.finished.emit(summary(STOP_UNREACHABLE))
    text = screen.rate_label.text()
    assert text.startswith("Stopped after ") and "telecrm could not be reached for 10 minutes" in text
    assert "(7 leads waiting; press Send to continue)." in text and "Done" not in text
    assert messages == [("error", text)]
