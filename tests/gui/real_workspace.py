"""The sandbox as a person's *real* workspace: a loopback SandboxServer whose addresses reach the
app only through TELECRM_ASYNC_URL / TELECRM_SYNC_URL, tokens pasted through the app's own dialog
into a real Secret Service keyring (tests/keyring_session.py), nothing of the built-in sandbox mode.

Helpers here press what a person presses: type into fields, click buttons, answer dialogs.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication


@dataclass
class RealWorkspace:
    server: object  # SandboxServer
    async_url: str
    sync_url: str

    @property
    def enterprise_id(self) -> str:
        return self.server.enterprise_id

    @property
    def async_values(self) -> list[str]:
        return [t.value for t in self.server.async_tokens]

    @property
    def sync_value(self) -> str:
        return self.server.sync_token.value


def forget_tokens(enterprise_id: str) -> None:
    """The keyring is shared by the tests of a process: each starts from no tokens."""
    from telecrm_desktop.core import secrets

    for token in secrets.list_tokens(enterprise_id):
        secrets.remove_token(enterprise_id, token.label)


@pytest.fixture
def real_workspace(monkeypatch, secret_service):
    from telecrm_desktop.sandbox import SandboxServer

    server = SandboxServer(rate_limit=2000, window_seconds=60.0).start()
    forget_tokens(server.enterprise_id)
    monkeypatch.setenv("TELECRM_ASYNC_URL", server.base_url)
    monkeypatch.setenv("TELECRM_SYNC_URL", server.sync_url)
    monkeypatch.delenv("TELECRM_SYNC_TOKEN", raising=False)
    try:
        yield RealWorkspace(server, server.base_url, server.sync_url)
    finally:
        server.stop()
        forget_tokens(server.enterprise_id)  # later tests may expect the keyring without them


def type_into(qtbot, edit, text: str) -> None:
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    qtbot.keyClicks(edit, text)


def click(qtbot, button) -> None:
    assert button.isEnabled(), f"{button.text()!r} is disabled"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def paste_tokens_through_dialog(monkeypatch, qtbot, pastes: list[str], seen: list | None = None) -> None:
    """The token dialog, when opened, gets each paste in turn typed and OK pressed on it, until it
    closes; `seen` collects (still open, message inside) after each OK."""
    from telecrm_desktop.gui.screens.token_dialog import TokenDialog

    queue = list(pastes)

    def exec_(dialog):
        dialog.show()
        while queue:
            type_into(qtbot, dialog.value_edit, queue.pop(0))
            qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
            QApplication.processEvents()
            if seen is not None:
                seen.append((dialog.isVisible(), dialog.error_label.text() if dialog.isVisible() else ""))
            if not dialog.isVisible():
                break
        if dialog.isVisible():
            dialog.reject()
        return dialog.result()

    monkeypatch.setattr(TokenDialog, "exec", exec_)


def set_up_workspace(window, qtbot, monkeypatch, ws: RealWorkspace, *, sync: bool = True) -> None:
    """Enterprise ID typed, the Async tokens and (optionally) the Sync token pasted in the app."""
    screen = window.workspace_screen
    click(qtbot, screen.real_radio) if not screen.real_radio.isChecked() else None
    type_into(qtbot, screen.enterprise_edit, ws.enterprise_id)
    for value in ws.async_values:
        paste_tokens_through_dialog(monkeypatch, qtbot, [value])
        click(qtbot, screen.add_async_button)
    if sync:
        paste_tokens_through_dialog(monkeypatch, qtbot, [ws.sync_value])
        click(qtbot, screen.add_sync_button)


def write_leads_csv(path, n: int = 40, extra_header: str = "", extra=lambda i: "") -> None:
    lines = ["Name,Mobile" + (f",{extra_header}" if extra_header else "")]
    for i in range(n):
        lines.append(f"Lead {i},98450{10000 + i:05d}" + (f",{extra(i)}" if extra_header else ""))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def primary(window, qtbot) -> None:
    """The footer's main button; on the Send step a new run to a real workspace is asked about
    first (gui/screens/send_confirm.py), and the person answers Send."""
    from telecrm_desktop.gui.main_window import SEND
    from tests.gui.dialogs import answer_dialog

    if window.current_step() == SEND:
        answer_dialog(qtbot, "confirmSend", "confirmSendButton", within=3.0)
    click(qtbot, window.primary_button)
    QApplication.processEvents()


def open_through_browse(window, qtbot, monkeypatch, path) -> None:
    from PySide6.QtWidgets import QFileDialog

    from telecrm_desktop.gui.main_window import OPEN

    if window.current_step() != OPEN:
        click(qtbot, window.step_buttons[OPEN])
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    click(qtbot, window.open_screen.browse_button)
    qtbot.waitUntil(lambda: not window.open_screen.is_loading() and window.session.sheet is not None
                    and window.session.sheet.complete, timeout=20000)


def to_map(window, qtbot) -> None:
    from telecrm_desktop.gui.main_window import MAP

    click(qtbot, window.step_buttons[MAP])
    qtbot.waitUntil(lambda: not window.map_screen.is_filling(), timeout=20000)


def to_review(window, qtbot) -> None:
    from telecrm_desktop.gui.main_window import REVIEW

    click(qtbot, window.step_buttons[REVIEW])
    qtbot.waitUntil(lambda: not window.review_screen.is_checking() and window.session.check is not None,
                    timeout=30000)


def to_send(window, qtbot) -> None:
    from telecrm_desktop.gui.main_window import SEND

    click(qtbot, window.step_buttons[SEND])
    QApplication.processEvents()


def load_template_through_button(window, qtbot, monkeypatch, path) -> None:
    from PySide6.QtWidgets import QFileDialog

    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    click(qtbot, window.map_screen.load_button)
    qtbot.waitUntil(lambda: not window.map_screen.is_filling(), timeout=20000)


def learn_schema(window, qtbot) -> None:
    screen = window.workspace_screen
    click(qtbot, screen.schema_button)
    qtbot.waitUntil(lambda: window.session.schema is not None and not screen.is_learning_schema(), timeout=20000)


def write_template(path, columns: dict, constants: dict | None = None) -> None:
    import json

    path.write_text(json.dumps({"format": "telecrm-mapping/1", "identifier": "phone", "columns": columns,
                                "constants": constants or {}}), encoding="utf-8")


def walk_to_send(window, qtbot, monkeypatch, ws: RealWorkspace | None, tmp_path, rows: int) -> None:
    """The person's way to the Send step: the workspace set up and learnt (unless `ws` is None:
    already set up), a sheet of `rows` leads opened through Browse, Map, Review, Send."""
    if ws is not None:
        set_up_workspace(window, qtbot, monkeypatch, ws)
        learn_schema(window, qtbot)
    sheet = tmp_path / "leads.csv"
    write_leads_csv(sheet, rows)
    open_through_browse(window, qtbot, monkeypatch, sheet)
    to_map(window, qtbot)
    to_review(window, qtbot)
    to_send(window, qtbot)


def send_and_wait(window, qtbot) -> None:
    """Send pressed (and the question before a real send answered), then the run awaited."""
    primary(window, qtbot)
    qtbot.waitUntil(lambda: not window.send_screen.is_running(), timeout=60000)
