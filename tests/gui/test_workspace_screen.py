"""Workspace step: tokens go to the real keyring (gnome-keyring in a private D-Bus session) and are
only ever shown masked; the first run offers the sandbox."""

from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QListWidget, QMessageBox

from telecrm_desktop.gui.main_window import OPEN, WORKSPACE
from telecrm_desktop.gui.settings import app_settings

ENTERPRISE = "66f6bc6faf29b5a6f29c9bbf"
TOKEN = "3f2b9c1e-7a4d-4e8b-9c2f-1a2b3c4d5e6f1712345678901:9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b"


def visible_texts(widget) -> str:
    texts = []
    for kind in (QLabel, QLineEdit):
        texts += [child.text() for child in widget.findChildren(kind)]
    for lst in widget.findChildren(QListWidget):
        texts += [lst.item(i).text() for i in range(lst.count())]
    return "\n".join(texts)


def test_first_run_offers_the_sandbox(window, qtbot):
    assert window.current_step() == WORKSPACE
    screen = window.workspace_screen
    assert screen.first_run_card.isVisible()
    assert not window.primary_button.isEnabled()
    assert not window.step_buttons[OPEN].isEnabled()
    screen.sandbox_radio.click()
    assert window.session.workspace.use_sandbox
    assert window.primary_button.isEnabled()
    assert not screen.first_run_card.isVisible()
    # kept in the QSettings ini of the private data folder
    assert app_settings().value("workspace/use_sandbox") == "true"


def test_tokens_are_stored_in_the_keyring_and_shown_masked(window, qtbot, secret_service, desktop_home, monkeypatch):
    from telecrm_desktop.core import secrets
    from telecrm_desktop.gui.bridge import token_store

    screen = window.workspace_screen
    screen.enterprise_edit.setText(ENTERPRISE)
    screen.enterprise_edit.editingFinished.emit()
    assert screen.add_async_button.isEnabled()

    token_store.add_token(ENTERPRISE, "office", TOKEN)
    screen.reload_tokens()
    assert screen.token_list.count() == 1
    shown = screen.token_list.item(0).text()
    assert "office" in shown and "…" + TOKEN[-4:] in shown and TOKEN not in shown

    screen.token_list.setCurrentRow(0)
    monkeypatch.setattr("telecrm_desktop.gui.screens.workspace_screen.QInputDialog.getText",
                        lambda *a, **k: ("front desk", True))
    screen.rename_selected_token()
    assert [t.label for t in secrets.list_tokens(ENTERPRISE)] == ["front desk"]
    assert TOKEN not in visible_texts(window)

    screen.token_list.setCurrentRow(0)
    monkeypatch.setattr("telecrm_desktop.gui.screens.workspace_screen.QMessageBox.question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)
    screen.remove_selected_token()
    assert secrets.list_tokens(ENTERPRISE) == []
    assert screen.token_list.count() == 0

    # nothing about the token in the data folder (settings ini, logs)
    QApplication.processEvents()
    for path in desktop_home.rglob("*"):
        if path.is_file():
            assert TOKEN not in path.read_text(encoding="utf-8", errors="replace")


def test_a_bad_enterprise_id_is_explained(window):
    screen = window.workspace_screen
    screen.enterprise_edit.setText("not-an-id")
    screen.enterprise_edit.editingFinished.emit()
    assert "only 0-9 and a-f" in screen.enterprise_status.text()
    assert not screen.add_async_button.isEnabled()
