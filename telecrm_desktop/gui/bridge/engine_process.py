"""The sending engine in its own process, so that its Python work never competes with the window
for the interpreter lock (a busy thread beside Qt delays every repaint by many milliseconds).

The parent keeps the same shape as an in-thread engine: `run_in_process(...)` blocks its (worker)
thread, calls `on_progress` / `on_event` as messages arrive, passes pause / resume / cancel on,
and returns the engine's SendSummary. The child imports no Qt. Token values travel through the
process pipe in memory only, never through a file or a command line.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
import traceback
from typing import Callable

log = logging.getLogger(__name__)

CONTROL_POLL = 0.05  # seconds between the child's looks at the pause / cancel flags


class EngineProcessError(Exception):
    """The sending process failed; `str()` is a sentence, details are in the log."""


def _child(journal_path, run_id, enterprise_id, base_url, token_pairs, settings, conn, paused, cancelled):
    import os

    from telecrm_desktop.core.send.run_claim import RunBusy
    from telecrm_desktop.core.secrets import ASYNC, Token, redact
    from telecrm_desktop.core.storage import StorageProblem
    from telecrm_desktop.core.send.engine import SendControl, SendEngine

    if hasattr(os, "nice"):  # the window comes first when the computer is busy; sending can wait a moment
        try:
            os.nice(5)
        except OSError:
            pass

    tokens = [Token(label, ASYNC, value) for label, value in token_pairs]
    del token_pairs
    control = SendControl()
    done = threading.Event()

    def mirror_flags():
        while not done.wait(CONTROL_POLL):
            if cancelled.is_set() and not control.cancelled:
                control.cancel()
            if paused.is_set() != control.paused:
                control.pause() if paused.is_set() else control.resume()

    threading.Thread(target=mirror_flags, daemon=True).start()
    try:
        engine = SendEngine(
            journal_path, run_id, enterprise_id=enterprise_id, base_url=base_url, tokens=tokens,
            settings=settings, control=control,
            on_progress=lambda p: conn.send(("progress", p)),
            on_event=lambda message: conn.send(("event", message)),
        )
        summary = engine.run()
        conn.send(("done", summary))
    except (RunBusy, StorageProblem) as exc:  # another sender, or the data folder: a sentence, no trace
        conn.send(("refused", str(exc)))
    except BaseException as exc:  # noqa: BLE001 - told to the parent, which logs and says it
        conn.send(("error", (f"{type(exc).__name__}: {redact(str(exc))}", redact(traceback.format_exc()))))
    finally:
        done.set()
        conn.close()


def run_in_process(
    *, journal_path, run_id, enterprise_id, base_url, tokens, settings, control,
    on_progress: Callable, on_event: Callable,
):
    """Run the engine in a child process until it ends; `control` is the GUI's SendControl."""
    ctx = multiprocessing.get_context("spawn")  # never fork a process that runs Qt threads
    parent_conn, child_conn = ctx.Pipe(duplex=False)
    paused, cancelled = ctx.Event(), ctx.Event()
    token_pairs = [(t.label, t.reveal()) for t in tokens]
    process = ctx.Process(
        target=_child, name="telecrm-send",
        args=(str(journal_path), run_id, enterprise_id, base_url, token_pairs, settings, child_conn,
              paused, cancelled),
        daemon=True,
    )
    process.start()
    child_conn.close()
    del token_pairs
    try:
        while True:
            if control.cancelled:
                cancelled.set()
            if control.paused != paused.is_set():
                paused.set() if control.paused else paused.clear()
            if parent_conn.poll(CONTROL_POLL):
                try:
                    kind, payload = parent_conn.recv()
                except EOFError:
                    process.join(5)
                    raise EngineProcessError(
                        f"The sending process stopped unexpectedly (exit code {process.exitcode}); "
                        "what was sent is in the journal: press Send to continue.") from None
                if kind == "progress":
                    on_progress(payload)
                elif kind == "event":
                    on_event(payload)
                elif kind == "done":
                    return payload
                elif kind == "refused":
                    raise EngineProcessError(payload[:1].upper() + payload[1:] + ".")
                elif kind == "error":
                    sentence, details = payload
                    log.error("the sending process failed:\n%s", details)
                    raise EngineProcessError(f"Sending stopped because of an unexpected problem ({sentence}).")
            elif not process.is_alive():
                raise EngineProcessError(
                    f"The sending process stopped unexpectedly (exit code {process.exitcode}); "
                    "what was sent is in the journal: press Send to continue.")
    finally:
        parent_conn.close()
        process.join(10)
        if process.is_alive():
            process.terminate()
