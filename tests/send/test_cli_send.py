"""`telecrm-import send` and `history` end to end: a real CSV, the sandbox over HTTP, the journal
in a temporary TELECRM_DESKTOP_HOME; a kill -9 mid-run followed by the same command."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest

from telecrm_desktop.cli import main
from tests.send.conftest import LIMIT, WINDOW

INJECTION = '=HYPERLINK("http://evil.example","click")'


def write_sheet(path: Path, count: int, *, invalid: bool = True) -> list[str]:
    """A lead sheet; returns the valid phones (as telecrm stores them). Every even lead has an action."""
    valid = []
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["Name", "Phone", "Note"])
        for i in range(count):
            name = INJECTION if i == 1 else f"Lead {i}"
            w.writerow([name, f"98{i:08d}", f"visit {i}" if i % 2 == 0 else ""])
            valid.append(f"9198{i:08d}")
        if invalid:
            w.writerow(["Bad phone", "12345", "note"])
            w.writerow(["+No phone", "", ""])
    return valid


MAPPING = {
    "format": "telecrm-mapping/1",
    "name": "send test",
    "columns": {
        "Name": {"to": "fields.name"},
        "Phone": {"to": "fields.phone", "type": "phone"},
        "Note": {"to": "actions.ACTION_1001.note", "type": "text"},
    },
}


@pytest.fixture
def cli(tmp_path, monkeypatch, start_sandbox):
    """A sandbox, a data folder, a sheet and a template; returns a function that runs `send`."""

    class Cli:
        home = tmp_path / "home"
        sheet = tmp_path / "leads.csv"
        mapping = tmp_path / "leads.mapping.json"
        sandbox = start_sandbox()

        def env(self) -> dict:
            return {
                "TELECRM_DESKTOP_HOME": str(self.home),
                "TELECRM_ASYNC_TOKENS": ",".join(t.value for t in self.sandbox.async_tokens),
                "TELECRM_RATE_WINDOW_SECONDS": str(WINDOW),
            }

        def args(self, *extra: str) -> list[str]:
            return ["send", str(self.sheet), "--mapping", str(self.mapping), "--enterprise",
                    self.sandbox.enterprise_id, "--base-url", self.sandbox.base_url,
                    "--rate-per-hour", str(LIMIT), *extra]

        def send(self, *extra: str) -> int:
            return main(self.args(*extra))

    c = Cli()
    c.mapping.write_text(json.dumps(MAPPING), encoding="utf-8")
    for name, value in c.env().items():
        monkeypatch.setenv(name, value)
    return c


def read_report(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_send_then_unchanged_then_send_all_with_reports_results_and_history(cli, tmp_path, capsys):
    valid = write_sheet(cli.sheet, 12)
    assert cli.send("--report", str(tmp_path / "r1.csv")) == 1  # two invalid rows
    report = read_report(tmp_path / "r1.csv")
    assert [r["status"] for r in report] == ["queued"] * 12 + ["invalid", "invalid"]
    assert list(report[0]) == ["row", "identifier", "status", "reason", "warnings"]
    assert report[0]["identifier"] == valid[0] and "12345" in report[12]["reason"]
    out = capsys.readouterr().out
    assert "send: 14 rows: 12 queued, 2 invalid" in out
    assert cli.sandbox.state.wait_processed()
    assert all(cli.sandbox.state.lead(p) for p in valid)

    run_dir = cli.home / "runs" / "1"
    with open(run_dir / "results.csv", encoding="utf-8-sig", newline="") as f:
        results = list(csv.reader(f))
    assert results[0][:6] == ["row", "identifier", "status", "reason", "warnings", "Name"]
    assert results[2][5] == "'" + INJECTION and results[14][5] == "'+No phone"
    book = openpyxl.load_workbook(run_dir / "results.xlsx").active
    assert book.cell(3, 6).value == INJECTION and book.cell(3, 6).data_type == "s"
    attention = openpyxl.load_workbook(run_dir / "needs-attention.xlsx").active
    rows = list(attention.iter_rows(values_only=True))
    assert rows[0] == ("Name", "Phone", "Note", "Why this row needs attention")
    assert [r[0] for r in rows[1:]] == ["Bad phone", "+No phone"]
    assert attention.cell(2, 2).comment is not None  # the bad phone cell carries the reason

    # the same file again: nothing is sent twice
    received = cli.sandbox.state.summary()["received"]
    assert cli.send("--report", str(tmp_path / "r2.csv")) == 1
    assert [r["status"] for r in read_report(tmp_path / "r2.csv")][:12] == ["unchanged"] * 12
    assert cli.sandbox.state.summary()["received"] == received
    # unless asked
    assert cli.send("--send-all", "--report", str(tmp_path / "r3.csv")) == 1
    assert [r["status"] for r in read_report(tmp_path / "r3.csv")][:12] == ["queued"] * 12
    assert cli.sandbox.state.summary()["received"] == received + 12

    capsys.readouterr()
    assert main(["history", "--enterprise", cli.sandbox.enterprise_id]) == 0
    history = capsys.readouterr().out
    assert history.count("\nrun ") + history.startswith("run ") == 3
    assert "12 unchanged, 2 invalid" in history and str(cli.home / "runs" / "3") in history


def test_every_token_refused_exits_3_with_leads_pending(cli, tmp_path, capsys):
    write_sheet(cli.sheet, 6, invalid=False)
    for token in cli.sandbox.async_tokens:
        cli.sandbox.revoke(token.label)
    assert cli.send("--report", str(tmp_path / "r.csv")) == 3
    assert {r["status"] for r in read_report(tmp_path / "r.csv")} == {"pending"}
    err = capsys.readouterr().err
    assert "sandbox-async-1" not in err or "refused" in err
    # tokens fixed: the same command finishes the run
    for token in cli.sandbox.async_tokens:
        cli.sandbox.restore(token.label)
    assert cli.send("--report", str(tmp_path / "r.csv")) == 0
    assert {r["status"] for r in read_report(tmp_path / "r.csv")} == {"queued"}


def test_uncertain_leads_are_sent_again_only_when_asked(cli, tmp_path):
    write_sheet(cli.sheet, 30, invalid=False)
    cli.sandbox.set_faults(close_after_rate=0.3, seed=11)
    assert cli.send("--report", str(tmp_path / "r.csv")) == 1
    report = read_report(tmp_path / "r.csv")
    uncertain = [r for r in report if r["status"] == "uncertain"]
    assert uncertain and all(int(r["row"]) % 2 == 0 for r in uncertain)  # even rows (row 2 = lead 0) carry actions
    assert {r["status"] for r in report} == {"queued", "uncertain"}
    cli.sandbox.set_faults(close_after_rate=0.0)
    assert cli.send("--report", str(tmp_path / "r.csv")) == 1  # resumed, still uncertain
    assert [r["status"] for r in read_report(tmp_path / "r.csv")] == [r["status"] for r in report]
    assert cli.send("--resend-uncertain", "--report", str(tmp_path / "r.csv")) == 0
    assert {r["status"] for r in read_report(tmp_path / "r.csv")} == {"queued"}


@pytest.mark.parametrize("args, message", [
    (["--enterprise", "not-an-id"], "not a telecrm enterprise ID"),
    (["--base-url", "http://example.com"], "http:// is allowed only for this computer"),
    (["--base-url", "ftp://127.0.0.1"], "not a web address"),
    (["--rate-per-hour", "0"], "--rate-per-hour must be a positive"),
    (["--report", "/no/such/folder/r.csv"], "its folder does not exist"),
])
def test_usage_errors_exit_2_with_one_clear_line(cli, capsys, args, message):
    write_sheet(cli.sheet, 2)
    argv = cli.args()
    for flag, value in zip(args[::2], args[1::2]):
        if flag in argv:
            argv[argv.index(flag) + 1] = value
        else:
            argv += [flag, value]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_kill_9_mid_run_then_the_same_command_loses_and_doubles_nothing(cli, tmp_path):
    valid = write_sheet(cli.sheet, 150, invalid=False)
    env = {**os.environ, **cli.env()}
    state = cli.sandbox.state
    for threshold in (15, 55, 100):  # kill at three points of the run
        proc = subprocess.Popen([sys.executable, "-m", "telecrm_desktop.cli", *cli.args()], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while state.queued < threshold and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait() == -signal.SIGKILL, "the run ended before it could be killed"
        assert threshold <= state.queued < 150, state.summary()
    done = subprocess.run([sys.executable, "-m", "telecrm_desktop.cli", *cli.args("--report", str(tmp_path / "r.csv"))],
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode in (0, 1), done.stderr
    assert state.wait_processed()
    assert state.doubled_actions() == []
    missing = sorted(set(valid) - set(state.leads()))
    if missing:  # say what the journal knew about them
        import sqlite3
        db = sqlite3.connect(cli.home / "journal.sqlite3")
        known = db.execute(f"SELECT identifier, status, reason, attempts, token_label FROM leads WHERE identifier IN "
                           f"({','.join('?' * len(missing))})", missing).fetchall()
        pytest.fail(f"leads that never reached the sandbox: {known}")
    assert sorted(state.leads()) == sorted(valid)  # every valid lead reached telecrm
    report = read_report(tmp_path / "r.csv")
    assert {r["status"] for r in report} <= {"queued", "uncertain"}
    assert all(int(r["row"]) % 2 == 0 for r in report if r["status"] == "uncertain")
    # restarts pace on from the journal (a 429 or two may come from this busy test process delaying
    # the sandbox's own clock by more than the pacing margin; test_engine checks pacing strictly)
    assert state.rate_limited <= 3, state.summary()


def test_no_token_value_in_the_data_folder_or_the_output(cli, tmp_path, capsys):
    write_sheet(cli.sheet, 5)
    cli.sandbox.revoke("sandbox-async-2")
    cli.send("--report", str(tmp_path / "r.csv"))
    main(["history"])
    captured = capsys.readouterr()
    files = [p for p in cli.home.rglob("*") if p.is_file()] + [tmp_path / "r.csv"]
    blobs = b"".join(p.read_bytes() for p in files) + (captured.out + captured.err).encode()
    assert b"env-2" in blobs  # the refused token is named by its label (TELECRM_ASYNC_TOKENS: env-1, env-2 ...)
    for token in cli.sandbox.async_tokens:
        assert token.value.encode() not in blobs
        assert token.value.split(":")[1].encode() not in blobs


def test_ctrl_c_stops_cleanly_and_the_same_command_finishes(cli, tmp_path):
    write_sheet(cli.sheet, 120, invalid=False)
    env = {**os.environ, **cli.env()}
    proc = subprocess.Popen([sys.executable, "-m", "telecrm_desktop.cli", *cli.args("--report", str(tmp_path / "r.csv"))],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while cli.sandbox.state.summary()["queued"] < 20 and time.monotonic() < deadline:
        time.sleep(0.01)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 1, err
    statuses = [r["status"] for r in read_report(tmp_path / "r.csv")]
    assert set(statuses) == {"queued", "pending"} and "Traceback" not in err
    assert "pending" in out and (cli.home / "logs" / "send.log").exists()
    assert cli.send("--report", str(tmp_path / "r.csv")) == 0
    assert cli.sandbox.state.wait_processed() and cli.sandbox.state.doubled_actions() == []
    assert len(cli.sandbox.state.leads()) == 120
