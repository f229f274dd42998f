"""Issue 18, the Workspace step on a person's real workspace (a loopback stand-in reached only
through TELECRM_ASYNC_URL / TELECRM_SYNC_URL, tokens in a real Secret Service keyring): addresses,
the enterprise ID as typed, tokens that follow a corrected ID, the token dialog, removal."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QMessageBox

from telecrm_desktop.core import secrets
from telecrm_desktop.gui.main_window import OPEN
from tests.gui.real_workspace import (  # noqa: F401
    click, forget_tokens, paste_tokens_through_dialog, real_workspace, set_up_workspace, type_into,
)

DEFAULT_ASYNC = "https://next-api.telecrm.in"
DEFAULT_SYNC = "https://next.telecrm.in/autoupdate/v2"


def test_environment_addresses_are_used_shown_and_never_saved(real_workspace, window, qtbot, monkeypatch, desktop_home):
    card = window.workspace_screen.addresses_card
    shown = {kind: row[0].text() for kind, row in card.rows.items()}
    assert real_workspace.async_url in shown["async"] and "TELECRM_ASYNC_URL for this launch only" in shown["async"]
    assert real_workspace.sync_url in shown["sync"] and "TELECRM_SYNC_URL for this launch only" in shown["sync"]

    set_up_workspace(window, qtbot, monkeypatch, real_workspace)
    screen = window.workspace_screen
    click(qtbot, screen.schema_button)  # "Learn from telecrm" goes to TELECRM_SYNC_URL
    qtbot.waitUntil(lambda: window.session.schema is not None and not screen.is_learning_schema(), timeout=20000)
    assert window.session.schema.enterprise_id == real_workspace.enterprise_id

    window.session.workspace.save()
    ini = (desktop_home / "settings.ini").read_text(encoding="utf-8")
    assert real_workspace.async_url not in ini and real_workspace.sync_url not in ini
    monkeypatch.delenv("TELECRM_ASYNC_URL")
    monkeypatch.delenv("TELECRM_SYNC_URL")
    from telecrm_desktop.gui.session import WorkspaceSettings

    later = WorkspaceSettings.load()  # the next launch, without the variables
    assert (later.async_address().url, later.sync_address().url) == (DEFAULT_ASYNC, DEFAULT_SYNC)


def test_an_address_chosen_in_the_app_is_shown_with_a_reset(window, qtbot, monkeypatch, desktop_home):
    monkeypatch.delenv("TELECRM_ASYNC_URL", raising=False)
    card = window.workspace_screen.addresses_card
    value, change, reset = card.rows["async"]
    assert "telecrm's default" in value.text() and not reset.isEnabled()

    answers = iter([("http://gateway.example.com/telecrm", True), ("https://gateway.example.com/telecrm", True)])
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: next(answers))
    messages = []
    window.workspace_screen.message.connect(lambda kind, text: messages.append(text))
    click(qtbot, change)  # unencrypted to another computer: refused, said, nothing changes
    assert "not encrypted" in messages[-1] and "telecrm's default" in value.text()
    click(qtbot, change)
    assert "https://gateway.example.com/telecrm  (chosen in this app)" == value.text()
    assert window.session.workspace.async_address().url == "https://gateway.example.com/telecrm"
    assert "gateway.example.com" in (desktop_home / "settings.ini").read_text(encoding="utf-8")

    click(qtbot, reset)
    assert value.text() == f"{DEFAULT_ASYNC}  (telecrm's default)" and not reset.isEnabled()
    assert window.session.workspace.async_address().url == DEFAULT_ASYNC


def test_the_enterprise_id_is_checked_as_it_is_typed(real_workspace, window, qtbot, monkeypatch):
    screen = window.workspace_screen
    click(qtbot, screen.real_radio)
    type_into(qtbot, screen.enterprise_edit, real_workspace.enterprise_id[:20])
    assert screen.enterprise_status.text().startswith("20 of 24 characters")
    for button in (screen.add_async_button, screen.add_sync_button, screen.schema_button, window.primary_button):
        assert not button.isEnabled()
    assert not window.step_buttons[OPEN].isEnabled()
    type_into(qtbot, screen.enterprise_edit, real_workspace.enterprise_id[:23] + "g")
    assert "not 'g'" in screen.enterprise_status.text()
    assert not screen.add_async_button.isEnabled()

    qtbot.keyClick(screen.enterprise_edit, "\b")  # the last character typed again, no Enter pressed
    qtbot.keyClicks(screen.enterprise_edit, real_workspace.enterprise_id[23])
    assert "valid" in screen.enterprise_status.text()
    assert screen.add_async_button.isEnabled() and screen.add_sync_button.isEnabled()
    assert window.primary_button.isEnabled() and window.session.workspace.enterprise_id == real_workspace.enterprise_id

    paste_tokens_through_dialog(monkeypatch, qtbot, [real_workspace.async_values[0]])
    click(qtbot, screen.add_async_button)
    assert screen.token_list.count() == 1 and screen.token_list.currentItem() is None
    assert not screen.rename_button.isEnabled() and not screen.remove_button.isEnabled()
    screen.token_list.setCurrentRow(0)
    assert screen.rename_button.isEnabled() and screen.remove_button.isEnabled()


def test_tokens_under_a_mistyped_id_can_be_moved_to_the_corrected_one(real_workspace, window, qtbot, monkeypatch):
    screen = window.workspace_screen
    right = real_workspace.enterprise_id
    wrong = right[:10] + ("0" if right[10] != "0" else "1") + right[11:]
    forget_tokens(wrong)
    click(qtbot, screen.real_radio)
    type_into(qtbot, screen.enterprise_edit, wrong)
    for value in real_workspace.async_values[:2]:
        paste_tokens_through_dialog(monkeypatch, qtbot, [value])
        click(qtbot, screen.add_async_button)
    assert len(secrets.list_tokens(wrong)) == 2
    assert not screen.move_tokens_box.isVisible()

    type_into(qtbot, screen.enterprise_edit, right)  # corrected
    assert screen.move_tokens_box.isVisible()
    assert "2 tokens are stored under the earlier ID " + wrong in screen.move_tokens_label.text()
    click(qtbot, screen.move_tokens_button)
    assert [t.label for t in secrets.list_tokens(right)] == ["token-1", "token-2"]
    assert secrets.list_tokens(wrong) == []
    assert screen.token_list.count() == 2 and not screen.move_tokens_box.isVisible()
    assert "2 Async tokens ready" in screen.tokens_status.text()


def test_a_refused_paste_keeps_the_dialog_open_with_the_reason(real_workspace, window, qtbot, monkeypatch):
    screen = window.workspace_screen
    click(qtbot, screen.real_radio)
    type_into(qtbot, screen.enterprise_edit, real_workspace.enterprise_id)
    seen = []
    token = real_workspace.async_values[0]
    paste_tokens_through_dialog(monkeypatch, qtbot, ["Bearer " + token, token], seen)
    click(qtbot, screen.add_async_button)
    assert seen[0][0] and "without the word 'Bearer'" in seen[0][1]  # still open, the reason inside
    assert seen[1] == (False, "")  # corrected in place, stored, closed
    assert [t.label for t in secrets.list_tokens(real_workspace.enterprise_id)] == ["token-1"]


def test_removing_a_token_asks_first(real_workspace, window, qtbot, monkeypatch):
    screen = window.workspace_screen
    click(qtbot, screen.real_radio)
    type_into(qtbot, screen.enterprise_edit, real_workspace.enterprise_id)
    paste_tokens_through_dialog(monkeypatch, qtbot, [real_workspace.async_values[0]])
    click(qtbot, screen.add_async_button)
    asked = []

    def answer(reply):
        def question(parent, title, text, *args, **kwargs):
            asked.append(text)
            return reply
        return question

    screen.token_list.setCurrentRow(0)
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.No))
    click(qtbot, screen.remove_button)
    assert "token-1" in asked[-1] and len(secrets.list_tokens(real_workspace.enterprise_id)) == 1
    screen.token_list.setCurrentRow(0)
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Yes))
    click(qtbot, screen.remove_button)
    assert secrets.list_tokens(real_workspace.enterprise_id) == []


def test_the_shape_warning_does_not_deny_a_colon_that_is_there():
    one_colon = "abcdefgh-1234:ijklmnop-5678"
    warning = secrets.token_shape_warning(one_colon)
    assert "has the ':'" in warning and "no ':'" not in warning and "with one ':'" not in warning
    assert "no ':'" in secrets.token_shape_warning("abcdefghijklmnop")
    assert "3 ':'" in secrets.token_shape_warning("ab:cdefgh:ijkl:mnop")


def test_past_runs_are_those_of_the_chosen_workspace(real_workspace, window, qtbot):
    from telecrm_desktop.core import paths
    from telecrm_desktop.core.send.journal import Journal
    from telecrm_desktop.gui.main_window import RESULTS

    other = "0123456789abcdef01234567"
    with Journal(paths.journal_path()) as journal:
        mine = journal.start_run(real_workspace.enterprise_id, "/data/mine.csv", "f1", "t1").id
        theirs = journal.start_run(other, "/data/theirs.csv", "f2", "t2").id
    screen = window.workspace_screen
    click(qtbot, screen.real_radio)
    type_into(qtbot, screen.enterprise_edit, real_workspace.enterprise_id)
    click(qtbot, window.step_buttons[RESULTS])
    results = window.results_screen
    qtbot.waitUntil(lambda: not results.is_loading(), timeout=20000)
    assert [results.runs_model.run(r).id for r in range(results.runs_model.rowCount())] == [mine]
    assert real_workspace.enterprise_id in results.runs_title.text()

    click(qtbot, window.step_buttons[0])
    type_into(qtbot, screen.enterprise_edit, other)
    click(qtbot, window.step_buttons[RESULTS])
    qtbot.waitUntil(lambda: not results.is_loading(), timeout=20000)
    assert [results.runs_model.run(r).id for r in range(results.runs_model.rowCount())] == [theirs]


def test_an_unusable_address_in_the_environment_is_said_not_used(window, qtbot, monkeypatch, secret_service):
    monkeypatch.setenv("TELECRM_SYNC_URL", "http://telecrm.example.com/autoupdate/v2")
    screen = window.workspace_screen
    click(qtbot, screen.real_radio)
    type_into(qtbot, screen.enterprise_edit, "66f6bc6faf29b5a6f29c9bbf")
    value = screen.addresses_card.rows["sync"][0].text()
    assert "TELECRM_SYNC_URL (set for this launch) cannot be used" in value and "not encrypted" in value
    messages = []
    screen.message.connect(lambda kind, text: messages.append(text))
    click(qtbot, screen.schema_button)  # refused with the sentence, before any request
    qtbot.waitUntil(lambda: not screen.is_learning_schema() and bool(messages), timeout=20000)
    assert "TELECRM_SYNC_URL (set for this launch) cannot be used" in messages[-1]
