"""The data folder's disk in trouble, for real: a small tmpfs that fills up mid-send, a read-only
mount, and journals that are cut short or not a database at all. Each ends in one sentence (no
traceback), exit 1 where nothing could be done, and afterwards no lead lost and none doubled."""

from __future__ import annotations

import csv
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from telecrm_desktop.cli import main
from telecrm_desktop.core.send.journal import Journal
from telecrm_desktop.core.storage import RESERVE_BYTES
from tests.send.conftest import make_run
from tests.send.test_cli_send import MAPPING, read_report

RATE = 2000  # per 2 s window: the runs here take a second or two


def mount_tmpfs(folder: Path, size: str, *, read_only: bool = False) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    options = f"size={size}" + (",ro" if read_only else "")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small file system here (needs root and mount rights): {done.stderr.strip()}")


@pytest.fixture
def small_disk(tmp_path):
    mounts = []

    def make(name: str, size: str, **kw) -> Path:
        folder = tmp_path / name
        mount_tmpfs(folder, size, **kw)
        mounts.append(folder)
        return folder

    yield make
    for folder in reversed(mounts):
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def write_sheet(path: Path, count: int) -> list[str]:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["Name", "Phone", "Note"])
        for i in range(count):
            w.writerow([f"Lead {i} " + "x" * 200, f"98{i:08d}", f"visit {i}" if i % 2 == 0 else ""])
    return [f"9198{i:08d}" for i in range(count)]


def cli_env(sandbox, home: Path, env_extra=None) -> dict:
    return {**os.environ, "TELECRM_DESKTOP_HOME": str(home), "TELECRM_RATE_WINDOW_SECONDS": "2",
            "TELECRM_ASYNC_TOKENS": ",".join(t.value for t in sandbox.async_tokens), **(env_extra or {})}


def cli_args(tmp_path, sandbox, *extra) -> list[str]:
    mapping = tmp_path / "leads.mapping.json"
    mapping.write_text(json.dumps(MAPPING), encoding="utf-8")
    return [sys.executable, "-m", "telecrm_desktop.cli", "send", str(tmp_path / "leads.csv"), "--mapping", str(mapping),
            "--enterprise", sandbox.enterprise_id, "--base-url", sandbox.base_url, "--rate-per-hour", str(RATE), *extra]


def run_cli(tmp_path, sandbox, home: Path, *extra, env_extra=None) -> subprocess.CompletedProcess:
    return subprocess.run(cli_args(tmp_path, sandbox, *extra), env=cli_env(sandbox, home, env_extra),
                          capture_output=True, text=True, timeout=180)


def fill_when_sending(sandbox, disk: Path, leave: int, after: int = 60) -> Path:
    """Another program fills the disk while the send is under way: once `after` leads are queued,
    a file grows until `leave` bytes are free."""
    filler = disk / "someone-elses-download.bin"
    deadline = time.monotonic() + 60
    while sandbox.state.queued < after and time.monotonic() < deadline:
        time.sleep(0.002)
    with open(filler, "wb", buffering=0) as f:
        try:
            while (room := shutil.disk_usage(disk).free - leave) > 0:
                f.write(b"\0" * min(room, 1 << 16))
        except OSError:  # the sender took the last bytes first: full either way
            pass
    return filler


def start_cli(tmp_path, sandbox, home: Path, env_extra=None) -> subprocess.Popen:
    return subprocess.Popen(cli_args(tmp_path, sandbox), env=cli_env(sandbox, home, env_extra),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.slow
def test_a_disk_that_fills_up_mid_send_stops_in_one_sentence_and_resumes_once_freed(tmp_path, small_disk, start_sandbox):
    disk = small_disk("small", "16m")
    home = disk / "home"
    sandbox = start_sandbox(rate_limit=RATE, window_seconds=2.0)
    valid = write_sheet(tmp_path / "leads.csv", 400)
    sender = start_cli(tmp_path, sandbox, home)
    filler = fill_when_sending(sandbox, disk, leave=RESERVE_BYTES // 2)
    _out, err = sender.communicate(timeout=120)
    assert sender.returncode == 1, err
    assert "Traceback" not in err and "Logging error" not in err
    last = err.strip().splitlines()[-1]
    assert f"the disk of the data folder {home} is full: free at least" in last and " MB on it" in last
    state = sandbox.state
    assert 60 <= state.queued < len(valid), state.summary()  # it stopped part of the way through

    filler.unlink()  # space freed: the same command continues the run
    second = run_cli(tmp_path, sandbox, home, "--report", str(tmp_path / "r.csv"))
    assert second.returncode == 0, second.stderr
    assert "resuming run 1" in second.stderr
    assert {r["status"] for r in read_report(tmp_path / "r.csv")} == {"queued"}
    assert state.wait_processed()
    assert state.doubled_actions() == []
    assert sorted(state.leads()) == sorted(valid)
    assert state.queued == len(valid)  # no request, with or without actions, went twice


@pytest.mark.slow
def test_a_disk_full_without_the_reserve_is_still_a_sentence_and_doubles_nothing(tmp_path, small_disk, start_sandbox):
    """The real ENOSPC from SQLite (reserve set to 0): one sentence, exit 1; afterwards nothing doubled,
    and every lead is queued or, where its answer could not be written, uncertain."""
    disk = small_disk("small", "16m")
    home = disk / "home"
    sandbox = start_sandbox(rate_limit=RATE, window_seconds=2.0)
    valid = write_sheet(tmp_path / "leads.csv", 400)
    sender = start_cli(tmp_path, sandbox, home, {"TELECRM_DISK_RESERVE_BYTES": "0"})
    filler = fill_when_sending(sandbox, disk, leave=0)
    _out, err = sender.communicate(timeout=120)
    assert sender.returncode == 1, err
    assert "Traceback" not in err and "Logging error" not in err
    assert f"the disk of the data folder {home} is full" in err.strip().splitlines()[-1]
    filler.unlink()
    second = run_cli(tmp_path, sandbox, home, "--report", str(tmp_path / "r.csv"))
    assert second.returncode in (0, 1), second.stderr
    rows = read_report(tmp_path / "r.csv")
    assert {r["status"] for r in rows} <= {"queued", "uncertain"}
    assert sandbox.state.wait_processed()
    assert sandbox.state.doubled_actions() == []
    missing = set(valid) - set(sandbox.state.leads())
    assert missing <= {r["identifier"] for r in rows if r["status"] == "uncertain"}


def test_a_read_only_data_folder_is_one_sentence_and_exit_1(tmp_path, small_disk, start_sandbox):
    sandbox = start_sandbox(rate_limit=RATE, window_seconds=2.0)
    write_sheet(tmp_path / "leads.csv", 5)
    home = small_disk("readonly", "1m", read_only=True)
    done = run_cli(tmp_path, sandbox, home)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert f"the data folder {home} cannot be written" in done.stderr.strip().splitlines()[-1]
    assert sandbox.state.received == 0


def _journal_with_a_run(path: Path, enterprise: str) -> None:
    make_run(path, enterprise, 3000)  # enough pages that a cut lands inside the data
    with Journal(path) as journal:
        journal.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


@pytest.mark.parametrize("damage", ["cut short", "not a database"])
def test_a_damaged_journal_is_kept_aside_and_a_new_one_started(tmp_path, start_sandbox, damage, capsys, monkeypatch):
    sandbox = start_sandbox(rate_limit=RATE, window_seconds=2.0)
    home = tmp_path / "home"
    home.mkdir()
    journal = home / "journal.sqlite3"
    if damage == "cut short":
        _journal_with_a_run(journal, sandbox.enterprise_id)
        size = journal.stat().st_size
        with open(journal, "r+b") as f:
            f.truncate(size // 2)
    else:
        journal.write_bytes(b"PK\x03\x04 this is a zip file someone saved over the journal" * 50)
    original = journal.read_bytes()
    valid = write_sheet(tmp_path / "leads.csv", 6)
    mapping = tmp_path / "leads.mapping.json"
    mapping.write_text(json.dumps(MAPPING), encoding="utf-8")
    monkeypatch.setenv("TELECRM_DESKTOP_HOME", str(home))
    monkeypatch.setenv("TELECRM_ASYNC_TOKENS", ",".join(t.value for t in sandbox.async_tokens))
    monkeypatch.setenv("TELECRM_RATE_WINDOW_SECONDS", "2")
    code = main(["send", str(tmp_path / "leads.csv"), "--mapping", str(mapping), "--enterprise", sandbox.enterprise_id,
                 "--base-url", sandbox.base_url, "--rate-per-hour", str(RATE)])
    err = capsys.readouterr().err
    assert code == 0, err
    said = [line for line in err.splitlines() if "was damaged" in line]
    assert len(said) == 1 and str(journal) in said[0] and "a new journal was started" in said[0]
    (copy,) = home.glob("journal.sqlite3.damaged-*[0-9]")
    assert copy.read_bytes() == original  # kept as it was
    assert copy.name in said[0]
    assert sorted(sandbox.state.leads()) == sorted(valid)
    with sqlite3.connect(journal) as db:  # the new journal holds the new run
        assert db.execute("SELECT COUNT(*) FROM leads").fetchone() == (6,)


def test_an_unexpected_error_is_one_sentence_and_a_scrubbed_log(tmp_path, start_sandbox, capsys, monkeypatch):
    from telecrm_desktop.core.send import runs

    sandbox = start_sandbox()
    token = sandbox.async_tokens[0].value
    home = tmp_path / "home"
    monkeypatch.setenv("TELECRM_DESKTOP_HOME", str(home))
    monkeypatch.setenv("TELECRM_ASYNC_TOKENS", token)

    def broken(*args, **kwargs):  # a bug deep in the core, with a token in its message
        raise KeyError(f"no such thing; header was Authorization: Bearer {token}")

    monkeypatch.setattr(runs, "open_run", broken)
    write_sheet(tmp_path / "leads.csv", 2)
    mapping = tmp_path / "leads.mapping.json"
    mapping.write_text(json.dumps(MAPPING), encoding="utf-8")
    code = main(["send", str(tmp_path / "leads.csv"), "--mapping", str(mapping), "--enterprise", sandbox.enterprise_id,
                 "--base-url", sandbox.base_url])
    err = capsys.readouterr().err
    assert code == 1
    assert "Traceback" not in err and token not in err
    last = err.strip().splitlines()[-1]
    assert "unexpected problem (KeyError)" in last
    log = home / "logs" / "telecrm-import-errors.log"
    assert str(log) in last
    text = log.read_text(encoding="utf-8")
    assert "Traceback" in text and "broken" in text and "KeyError" in text
    assert token not in text and token[-6:] not in text.replace("…" + token[-4:], "")
