"""One writer per run: two `telecrm-import send` of the same sheet started together (two real
processes, the sandbox counting requests) send each lead once; the second is told why it stopped.
The claims are the OS's file locks, so a killed sender leaves none behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from telecrm_desktop.core.send import run_claim
from telecrm_desktop.core.send.run_claim import BUSY_SENTENCE, RunBusy
from tests.send.conftest import make_run, send
from tests.send.test_cli_send import cli, read_report, write_sheet  # noqa: F401 (fixture)


def spawn(cli, *extra, env=None):  # noqa: F811
    return subprocess.Popen([sys.executable, "-m", "telecrm_desktop.cli", *cli.args(*extra)],
                            env={**os.environ, **cli.env(), **(env or {})}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


@pytest.mark.slow
def test_two_sends_of_one_sheet_at_once_send_each_lead_once(cli):  # noqa: F811
    valid = write_sheet(cli.sheet, 80, invalid=False)
    state = cli.sandbox.state
    slow = {"TELECRM_RATE_SHARE": "0.5"}  # 10 a second: the first is still sending when the second starts
    first, second = spawn(cli, env=slow), spawn(cli, env=slow)
    outs = [p.communicate(timeout=120) for p in (first, second)]
    codes = [first.returncode, second.returncode]
    refused = [i for i, (_out, err) in enumerate(outs) if BUSY_SENTENCE in err]
    assert len(refused) == 1, (codes, [err[-500:] for _o, err in outs])
    assert codes[refused[0]] == 1 and codes[1 - refused[0]] == 0
    assert all("Traceback" not in err for _o, err in outs)
    assert state.wait_processed()
    assert state.received == len(valid)  # every request the server saw: one per lead
    assert state.doubled_actions() == []
    assert sorted(state.leads()) == sorted(valid)


@pytest.mark.slow
def test_a_killed_sender_leaves_no_claim_behind(cli, tmp_path):  # noqa: F811
    valid = write_sheet(cli.sheet, 60, invalid=False)
    state = cli.sandbox.state
    holder = spawn(cli, env={"TELECRM_RATE_SHARE": "0.25"})  # 5 a second: still sending when killed
    deadline = time.monotonic() + 30
    while state.queued < 10 and holder.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    # while it sends, a second one is refused at once
    busy = subprocess.run([sys.executable, "-m", "telecrm_desktop.cli", *cli.args()], env={**os.environ, **cli.env()},
                          capture_output=True, text=True, timeout=60)
    assert busy.returncode == 1 and BUSY_SENTENCE in busy.stderr
    assert holder.poll() is None and state.queued < len(valid), "the first sender finished too early to be killed"
    os.kill(holder.pid, signal.SIGKILL)
    holder.communicate()
    assert holder.returncode == -signal.SIGKILL
    # the kill let go of the claim: the same command finishes the run
    report = tmp_path / "r.csv"
    done = subprocess.run([sys.executable, "-m", "telecrm_desktop.cli", *cli.args("--report", str(report))],
                          env={**os.environ, **cli.env()}, capture_output=True, text=True, timeout=120)
    assert done.returncode in (0, 1) and BUSY_SENTENCE not in done.stderr, done.stderr
    assert state.wait_processed()
    assert state.doubled_actions() == []
    rows = read_report(report)
    assert {r["status"] for r in rows} <= {"queued", "uncertain"}  # uncertain: on its way at the kill
    assert sorted(set(valid) - set(state.leads())) == sorted(
        r["identifier"] for r in rows if r["status"] == "uncertain" and r["identifier"] not in state.leads())


def test_an_engine_still_running_a_run_keeps_a_second_engine_out(tmp_path, start_sandbox):
    """The app runs the engine in a child process: the run's own claim is held there."""
    sandbox = start_sandbox()
    journal = tmp_path / "journal.sqlite3"
    run_id = make_run(journal, sandbox.enterprise_id, 5)
    with run_claim.claim_run(journal, run_id):  # as a still-running engine of another window holds it
        with pytest.raises(RunBusy, match=BUSY_SENTENCE):
            send(journal, run_id, sandbox)
    assert sandbox.state.received == 0
    assert send(journal, run_id, sandbox).counts == {"queued": 5}  # released: it runs


def test_the_sheet_claim_is_refused_while_held_and_free_once_released(tmp_path):
    journal = tmp_path / "journal.sqlite3"
    held = run_claim.claim_sheet(journal, "e1", "file", "template")
    with pytest.raises(RunBusy, match=BUSY_SENTENCE):
        run_claim.claim_sheet(journal, "e1", "file", "template")
    run_claim.claim_sheet(journal, "e1", "file", "other template").release()  # another template: another run
    held.release()
    run_claim.claim_sheet(journal, "e1", "file", "template").release()
