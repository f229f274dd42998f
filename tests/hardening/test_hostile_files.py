"""Hostile and broken files (corpus.py, >= 50 of them) through `telecrm-import check`: each gets one
clear sentence naming the file (exit 2) or a correct result, within bounded time and memory, and
never a traceback or a hang."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.hardening.corpus import EITHER, READ, REFUSE, MAPPING, build_corpus

TIME_LIMIT = 60.0  # seconds per file (generous: the machine may be busy)
MEMORY_LIMIT_MB = 1024
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    started = time.monotonic()
    corpus = build_corpus(folder / "files")
    built = time.monotonic() - started
    mapping = folder / "map.json"
    mapping.write_text(json.dumps(MAPPING), encoding="utf-8")
    specs = [str(h.path) + ("::read" if h.read_only else "") for h in corpus]
    # two runners side by side (two cores); each forks one child per file
    halves = [specs[0::2], specs[1::2]]
    procs = [subprocess.Popen([sys.executable, "-m", "tests.hardening.check_runner", str(mapping), str(TIME_LIMIT),
                               *half], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for half in halves]
    results = {}
    for proc in procs:
        out, err = proc.communicate(timeout=len(specs) * TIME_LIMIT)
        assert proc.returncode == 0, err
        for line in out.splitlines():
            result = json.loads(line)
            results[result["path"]] = result
    print(f"corpus of {len(corpus)} files built in {built:.1f} s, checked in {time.monotonic() - started - built:.1f} s")
    return corpus, results


def judge(hostile, result) -> str | None:
    """What is wrong with the outcome for this file, or None."""
    name = hostile.path.name
    err_lines = [l for l in result["stderr"].splitlines() if l.startswith("telecrm-import:")]
    if result["hung"]:
        return f"hung (killed after {TIME_LIMIT:.0f} s)"
    if "Traceback" in result["stderr"] or result["exit"] == 99:
        return "traceback: " + result["stderr"][-1500:]
    if result["max_rss_mb"] > MEMORY_LIMIT_MB:
        return f"peak memory {result['max_rss_mb']} MB"
    if result["exit"] not in (0, 1, 2):
        return f"exit status {result['exit']}: {result['stderr'][-500:]}"
    if result["exit"] == 2:
        if hostile.expect == READ:
            return f"refused a readable file: {err_lines}"
        if len(err_lines) != 1:
            return f"expected one message line, got {err_lines!r}"
        message = err_lines[0]
        if name not in message and "template" not in message:
            return f"the message does not name the file: {message!r}"
        if len(message) > 400 or "\n" in message:
            return f"the message is not one short sentence: {message!r}"
        return None
    if hostile.expect == REFUSE:
        return f"read a file that must be refused (exit {result['exit']}): {result['stdout'][-300:]}"
    if hostile.ready is not None and not hostile.read_only:
        found = re.search(r"check: [\d,]+ rows?: ([\d,]+) ready", result["stdout"])
        if not found or int(found.group(1).replace(",", "")) != hostile.ready:
            return f"expected {hostile.ready} ready rows: {result['stdout'][-300:]}"
    return None


def test_the_corpus_is_large_and_varied(outcomes):
    corpus, _ = outcomes
    assert len(corpus) >= 50
    assert {h.expect for h in corpus} == {READ, REFUSE, EITHER}
    assert {h.path.suffix for h in corpus} >= {".csv", ".xlsx", ".xls", ".ods"}


def test_every_hostile_file_gets_a_clear_message_or_a_correct_result_in_bounded_time_and_memory(outcomes):
    corpus, results = outcomes
    problems = {}
    for hostile in corpus:
        result = results.get(str(hostile.path))
        problem = "no result" if result is None else judge(hostile, result)
        if problem:
            problems[f"{hostile.path.name} ({hostile.why})"] = problem
    assert not problems, "\n".join(f"{k}: {v}" for k, v in problems.items())


def test_the_million_row_sheet_is_read_whole(outcomes):
    corpus, results = outcomes
    result = next(results[str(h.path)] for h in corpus if h.path.name == "1048576-rows.csv")
    assert result["exit"] == 0 and "read: 1048575 rows" in result["stdout"]


def check_while(tmp_path, change) -> subprocess.CompletedProcess:
    """`telecrm-import check` on a 100,000-row CSV while `change(path, step)` alters it every 30 ms."""
    sheet = tmp_path / "moving.csv"
    rows = "".join(f"Lead {i},98{i:08d}\r\n" for i in range(100_000))
    sheet.write_text("Name,Phone\r\n" + rows, encoding="utf-8")
    mapping = tmp_path / "map.json"
    mapping.write_text(json.dumps(MAPPING), encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "telecrm_desktop.cli", "check", str(sheet), "--mapping", str(mapping)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    step = 0
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline:
        change(sheet, step, rows)
        step += 1
        time.sleep(0.03)
    out, err = proc.communicate(timeout=10)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def assert_clear(done: subprocess.CompletedProcess, name: str) -> None:
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode in (0, 1, 2), done.stderr
    if done.returncode == 2:
        lines = [l for l in done.stderr.splitlines() if l.startswith("telecrm-import:")]
        assert len(lines) == 1 and name in lines[0], done.stderr


def test_a_file_that_changes_while_being_read(tmp_path):
    def change(path: Path, step: int, rows: str) -> None:
        with open(path, "a", encoding="utf-8") as f:  # grows, then is rewritten shorter, in turns
            f.write("Late,9876543210\r\n" * 100)
        if step % 5 == 4:
            path.write_text("Name,Phone\r\n" + rows[: len(rows) // (step % 3 + 2)], encoding="utf-8")

    assert_clear(check_while(tmp_path, change), "moving.csv")


def test_a_file_that_disappears_while_being_read(tmp_path):
    """Deleted once the check is seen reading it (the file open in the process, part of it read),
    not at a guessed moment: the deletion is asserted to have happened while it ran."""
    psutil = pytest.importorskip("psutil")
    sheet = tmp_path / "moving.csv"
    with open(sheet, "w", encoding="utf-8", newline="") as f:
        f.write("Name,Phone\r\n")
        f.writelines(f"Lead {i},98{i:08d}\r\n" for i in range(300_000))
    size = sheet.stat().st_size
    mapping = tmp_path / "map.json"
    mapping.write_text(json.dumps(MAPPING), encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "telecrm_desktop.cli", "check", str(sheet), "--mapping", str(mapping)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deleted_at = None  # the read position when the file was deleted
    watched = psutil.Process(proc.pid)
    deadline = time.monotonic() + 120
    while deleted_at is None and proc.poll() is None and time.monotonic() < deadline:
        try:
            reading = [f for f in watched.open_files() if f.path == str(sheet) and f.position > 0]
        except psutil.Error:  # it ended between the two looks
            break
        if reading:
            sheet.unlink()
            deleted_at = reading[0].position
        else:
            time.sleep(0.001)
    out, err = proc.communicate(timeout=120)
    assert deleted_at is not None, "the check ended before it was seen reading the file"
    assert not sheet.exists()
    print(f"deleted at byte {deleted_at:,} of {size:,}")
    assert_clear(subprocess.CompletedProcess(proc.args, proc.returncode, out, err), "moving.csv")


@pytest.mark.slow
@pytest.mark.skipif(not __import__("os").environ.get("TELECRM_HARDENING_FULL"),
                    reason="a whole check of 1,048,576 rows takes 20 s on 2 idle cores, 75 s on busy ones; "
                           "set TELECRM_HARDENING_FULL=1 (the reader alone is tested above)")
def test_a_whole_check_of_the_largest_sheet_excel_allows(tmp_path):
    import os

    sheet = tmp_path / "1048576-rows.csv"
    with open(sheet, "w", encoding="utf-8", newline="") as f:
        f.write("Name,Phone\r\n")
        f.writelines(f"Lead {i},98{i:08d}\r\n" for i in range(1_048_575))
    mapping = tmp_path / "map.json"
    mapping.write_text(json.dumps(MAPPING), encoding="utf-8")
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "telecrm_desktop.cli", "check", str(sheet), "--mapping",
                             str(mapping)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = proc.stdout.read().decode()
    _, status, usage = os.wait4(proc.pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, out
    assert "1,048,575 ready" in out
    assert time.monotonic() - started < 300
    assert usage.ru_maxrss / 1024 < MEMORY_LIMIT_MB
