"""Secrets: distinctive token values go through check, send, history and the desktop app's whole
flow; then every file under the data folder (journal, settings ini, logs, run results), the
reports and everything printed are searched: no value, no half of one, no base64 of one."""

from __future__ import annotations

import base64
import csv
import json
import uuid
import random
from pathlib import Path

import pytest

from telecrm_desktop.cli import main
from telecrm_desktop.sandbox import SandboxServer
from telecrm_desktop.sandbox.workspace import DEFAULT_WORKSPACE_FILE, Workspace
from tests.gui.conftest import app, desktop_home, window  # noqa: F401  (fixtures: offscreen app, data folder)

MAPPING = {
    "format": "telecrm-mapping/1",
    "name": "secrets",
    "columns": {"Name": {"to": "fields.name"}, "Phone": {"to": "fields.phone", "type": "phone"},
                "Note": {"to": "actions.ACTION_1001.note", "type": "text"}},
}


def distinctive_token(rng: random.Random) -> str:
    """telecrm's token shape (uuid, 13 digits, colon, uuid) with values no other test uses."""
    first, second = uuid.UUID(int=rng.getrandbits(128)), uuid.UUID(int=rng.getrandbits(128))
    return f"{first}{rng.randrange(10 ** 12, 10 ** 13)}:{second}"


@pytest.fixture
def secret_sandbox():
    rng = random.Random()
    definition = json.loads(Path(DEFAULT_WORKSPACE_FILE).read_text(encoding="utf-8"))
    for token in definition["tokens"]:
        token["value"] = distinctive_token(rng)
    server = SandboxServer(Workspace(definition), rate_limit=40, window_seconds=2.0).start()
    yield server
    server.stop()


def forbidden_patterns(values: list[str]) -> dict[str, bytes]:
    """Each value, each half of it, and its base64 at every alignment."""
    patterns = {}
    for n, value in enumerate(values):
        patterns[f"token {n}"] = value.encode()
        for h, half in enumerate(value.split(":")):
            patterns[f"token {n} half {h}"] = half.encode()
            patterns[f"token {n} half {h} without dashes"] = half.replace("-", "").encode()
        for shift in range(3):
            for encode in (base64.b64encode, base64.urlsafe_b64encode):
                patterns[f"token {n} base64 {shift}"] = encode(value[shift:].encode())[4:-4]
        patterns[f"token {n} bearer base64"] = base64.b64encode(f"Bearer {value}".encode())[8:-4]
    return patterns


def leaks(blobs: dict[str, bytes], values: list[str]) -> list[str]:
    patterns = forbidden_patterns(values)
    return [f"{what} in {where}" for where, blob in blobs.items() for what, p in patterns.items() if p in blob]


def files_under(*folders: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for folder in folders for p in folder.rglob("*") if p.is_file()}


def write_sheet(path: Path, count: int) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["Name", "Phone", "Note"])
        for i in range(count):
            w.writerow([f"Lead {i}", f"96{i:08d}", f"visit {i}" if i % 2 else ""])
        w.writerow(["Bad", "123", ""])


def test_no_token_value_leaves_a_trace_in_the_command_line_or_the_app(
        secret_sandbox, window, qtbot, tmp_path, monkeypatch, capfd, desktop_home):
    sandbox = secret_sandbox
    values = [t.value for t in sandbox.workspace.tokens]
    sheet, mapping, out = tmp_path / "leads.csv", tmp_path / "map.json", tmp_path / "out"
    out.mkdir()
    write_sheet(sheet, 30)
    mapping.write_text(json.dumps(MAPPING), encoding="utf-8")
    monkeypatch.setenv("TELECRM_ASYNC_TOKENS", ",".join(t.value for t in sandbox.async_tokens))
    monkeypatch.setenv("TELECRM_SYNC_TOKEN", sandbox.sync_token.value)
    monkeypatch.setenv("TELECRM_RATE_WINDOW_SECONDS", "2")

    # the command line: check, send (one token refused, some answers lost), history, schema pull
    assert main(["check", str(sheet), "--mapping", str(mapping), "--report", str(out / "check.csv"),
                 "--payloads", str(out / "payloads.jsonl")]) == 1
    sandbox.revoke("sandbox-async-2")
    sandbox.set_faults(close_after_rate=0.2, seed=9)
    send = ["send", str(sheet), "--mapping", str(mapping), "--enterprise", sandbox.enterprise_id,
            "--base-url", sandbox.base_url, "--rate-per-hour", "40", "--report", str(out / "send.csv")]
    assert main(send) == 1
    assert main(send + ["--resend-uncertain"]) == 1  # the bad row stays invalid
    assert main(["history", "--enterprise", sandbox.enterprise_id]) == 0
    main(["schema", "pull", "--enterprise", sandbox.enterprise_id, "--sync-url", sandbox.sync_url])
    sandbox.set_faults(close_after_rate=0.0)
    for token in sandbox.async_tokens:
        sandbox.revoke(token.label)
    other = tmp_path / "more leads.csv"
    other.write_text("Name,Phone\nNew,9512345678\n", encoding="utf-8")
    assert main([a if a != str(sheet) else str(other) for a in send]) == 3  # every token refused
    for token in sandbox.async_tokens:
        sandbox.restore(token.label)
    cli_output = capfd.readouterr()
    assert "sandbox-async-2" in cli_output.err or "env-2" in cli_output.err  # the refusal was reported

    # the desktop app: the sandbox workspace (with these tokens), open, map, review, send, results
    from telecrm_desktop.gui.bridge import sandbox_link
    from telecrm_desktop.gui.flow_driver import FlowDriver

    monkeypatch.delenv("TELECRM_ASYNC_TOKENS")
    monkeypatch.delenv("TELECRM_SYNC_TOKEN")
    monkeypatch.setattr(sandbox_link, "_server", sandbox)
    monkeypatch.setattr(sandbox_link, "SANDBOX_RATE_PER_WINDOW", 40)
    monkeypatch.setattr(sandbox_link, "SANDBOX_WINDOW", 2.0)
    monkeypatch.setattr(sandbox_link, "stop_sandbox", lambda: None)  # the fixture stops it
    gui_sheet = tmp_path / "gui leads.csv"
    write_sheet(gui_sheet, 12)
    driver = FlowDriver(window, timeout=60)
    driver.use_sandbox()
    driver.open_file(gui_sheet)
    driver.accept_mapping()
    driver.review()
    counts = driver.send()
    assert counts.get("queued", 0) + counts.get("unchanged", 0) == 12 and counts.get("queued"), counts
    driver.results()
    exported = window.results_screen.export_results(out)
    window.session.workspace.save()
    gui_output = capfd.readouterr()

    # the search
    window_texts = "\n".join(w.text() for w in window.findChildren(type(window.message_bar.label)))
    blobs = files_under(desktop_home, out, tmp_path)
    blobs["command line output"] = (cli_output.out + cli_output.err).encode()
    blobs["app output"] = (gui_output.out + gui_output.err).encode()
    blobs["labels on screen"] = window_texts.encode()
    assert any("settings.ini" in k for k in blobs) and any("journal" in k for k in blobs)
    assert any(k.endswith(".log") for k in blobs), sorted(blobs)  # the logs were searched too
    assert exported and (out / "send.csv").exists()
    assert leaks(blobs, values) == []
