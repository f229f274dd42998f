"""The hostile corpus through the desktop app's open path (the reading worker behind the Open
screen): every file ends in the sheet shown or in one sentence naming it, never an unexpected
error, and the window stays responsive."""

from __future__ import annotations

import time

import pytest

from telecrm_desktop.gui.flow_driver import wait_until
from tests.gui.conftest import app, desktop_home, window  # noqa: F401  (fixtures)
from tests.hardening.corpus import READ, REFUSE, build_corpus

# the app holds every row in memory and these take long; the command-line corpus covers them
SKIP = {"zip-bomb.xlsx", "1048576-rows.csv", "many-blank-lines.csv", "too-many-columns.csv"}


def test_every_hostile_file_opens_or_is_refused_in_one_sentence(window, qtbot, tmp_path, desktop_home):
    screen = window.open_screen
    messages: list[tuple[str, str]] = []
    screen.message.connect(lambda kind, text: messages.append((kind, text)))
    problems = {}
    started = time.monotonic()
    for hostile in build_corpus(tmp_path / "files"):
        name = hostile.path.name
        if name in SKIP:
            continue
        messages.clear()
        screen.open_path(hostile.path)
        try:
            wait_until(lambda: not screen.is_loading(), 60, f"{name} to be read")
        except Exception as error:  # noqa: BLE001 - recorded, then the next file
            problems[name] = f"still reading: {error}"
            continue
        errors = [text for kind, text in messages if kind == "error"]
        sheet = window.session.sheet
        opened = sheet is not None and sheet.path == hostile.path and sheet.complete
        if any("did not expect" in e for e in errors):
            problems[name] = f"unexpected error: {errors}"
        elif errors:
            if hostile.expect == READ:
                problems[name] = f"refused a readable file: {errors}"
            elif len(errors) != 1 or name not in errors[0] or "\n" in errors[0]:
                problems[name] = f"not one sentence naming the file: {errors}"
        elif not opened:
            problems[name] = "neither opened nor refused"
        elif hostile.expect == REFUSE:
            problems[name] = "opened a file that must be refused"
    assert not problems, "\n".join(f"{k}: {v}" for k, v in problems.items())
    log = desktop_home / "logs" / "telecrm-desktop.log"
    assert not log.exists() or "unexpected error" not in log.read_text(encoding="utf-8")
    assert time.monotonic() - started < 180
