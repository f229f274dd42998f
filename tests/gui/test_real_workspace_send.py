"""Issue 18, sending to a person's real workspace (a loopback stand-in reached only through
TELECRM_ASYNC_URL / TELECRM_SYNC_URL): telecrm out of reach mid-send, and no request to any other
address than the configured ones through the whole flow."""

from __future__ import annotations

import socket
import threading

from PySide6.QtWidgets import QApplication

from telecrm_desktop.gui.bridge import run_log
from telecrm_desktop.gui.main_window import RESULTS
from tests.gui.real_workspace import (  # noqa: F401
    click, primary, real_workspace, send_and_wait, walk_to_send,
)


def test_an_outage_mid_send_is_said_logged_and_shown_in_results(real_workspace, window, qtbot, monkeypatch, tmp_path):
    from telecrm_desktop.sandbox import SandboxServer

    walk_to_send(window, qtbot, monkeypatch, real_workspace, tmp_path, 30)

    server = real_workspace.server
    port = server.port
    server.stop()  # telecrm goes away
    send = window.send_screen
    primary(window, qtbot)  # Send
    events = lambda: [send.event_list.item(i).text() for i in range(send.event_list.count())]  # noqa: E731
    qtbot.waitUntil(lambda: any(e.startswith("telecrm cannot be reached") for e in events()), timeout=30000)
    qtbot.waitUntil(lambda: "cannot be reached; trying again in" in send.rate_label.text(), timeout=10000)
    assert "Waiting for the rate limit" not in send.rate_label.text()
    tokens_shown = [send.token_list.item(i).text() for i in range(send.token_list.count())]
    assert tokens_shown and all("waiting for telecrm" in t and "sending" not in t for t in tokens_shown)

    back = SandboxServer(port=port, rate_limit=2000, window_seconds=60.0).start()  # telecrm is back
    try:
        qtbot.waitUntil(lambda: not send.is_running(), timeout=60000)
        assert any(e.startswith("telecrm can be reached again") for e in events())
        back.state.wait_processed()
        assert len(back.state.leads()) == 30
    finally:
        back.stop()
    run_id = window.session.run_id
    log = run_log.lines(run_id)
    assert any("telecrm cannot be reached" in line for line in log)
    assert any("telecrm can be reached again" in line for line in log)

    click(qtbot, window.step_buttons[RESULTS])
    qtbot.waitUntil(lambda: not window.results_screen.is_loading(), timeout=20000)
    shown = window.results_screen.outage_label
    assert shown.isVisible()
    assert "telecrm cannot be reached" in shown.text() and "telecrm can be reached again" in shown.text()


class ProxyTrap:
    """A loopback listener named as every proxy: any request for another host than the loopback
    sandboxes (which NO_PROXY exempts) comes here, in this process or in the sending process."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.seen: list[bytes] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(2)
                try:
                    self.seen.append(conn.recv(200).split(b"\r\n")[0])
                except OSError:
                    self.seen.append(b"(connection)")

    def close(self):
        self.sock.close()


def test_the_whole_flow_talks_to_the_configured_addresses_only(real_workspace, window, qtbot, monkeypatch, tmp_path):
    from telecrm_desktop.core.addresses import is_loopback

    trap = ProxyTrap()
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.setenv(name, trap.url)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    elsewhere: list = []
    real_connect = socket.socket.connect

    def guarded_connect(sock, address):
        host = address[0] if isinstance(address, tuple) else address
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not is_loopback(str(host)):
            elsewhere.append(address)
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    try:
        walk_to_send(window, qtbot, monkeypatch, real_workspace, tmp_path, 12)
        send_and_wait(window, qtbot)
        assert window.send_screen.final_counts.get("queued") == 12
        click(qtbot, window.step_buttons[RESULTS])
        results = window.results_screen
        qtbot.waitUntil(lambda: not results.is_loading() and results.landed_button.isEnabled(), timeout=20000)
        click(qtbot, results.landed_button)  # the Sync API again, for lead/search
        qtbot.waitUntil(lambda: not results.is_checking_landed(), timeout=60000)
        QApplication.processEvents()
        assert "12 of 12 leads checked landed" in results.landed_label.text()  # looked up at the stand-in
    finally:
        trap.close()
    assert trap.seen == [] and elsewhere == []
    requested = real_workspace.server.state
    assert len(requested.leads()) == 12  # and everything did go to the configured stand-in


def test_checking_leads_still_in_the_queue_says_to_check_again(real_workspace, window, qtbot, monkeypatch, tmp_path):
    real_workspace.server.processing_delay = 120.0  # telecrm's queue is slow today
    walk_to_send(window, qtbot, monkeypatch, real_workspace, tmp_path, 12)
    send_and_wait(window, qtbot)
    click(qtbot, window.step_buttons[RESULTS])
    results = window.results_screen
    qtbot.waitUntil(lambda: not results.is_loading() and results.landed_button.isEnabled(), timeout=20000)
    click(qtbot, results.landed_button)
    qtbot.waitUntil(lambda: not results.is_checking_landed(), timeout=60000)
    text = results.landed_label.text()
    assert "Looked up all 12 queued leads of this run" in text
    assert "0 of 12 leads checked landed" in text
    assert "may not be there yet: check again in about 5 minutes" in text


def test_a_sync_token_pasted_as_async_gets_a_401_that_names_the_causes(real_workspace, window, qtbot, monkeypatch,
                                                                       tmp_path, caplog):
    from tests.gui.real_workspace import paste_tokens_through_dialog, type_into

    screen = window.workspace_screen
    click(qtbot, screen.real_radio)
    type_into(qtbot, screen.enterprise_edit, real_workspace.enterprise_id)
    paste_tokens_through_dialog(monkeypatch, qtbot, [real_workspace.sync_value])
    click(qtbot, screen.add_async_button)  # the Sync token, pasted as an Async one
    paste_tokens_through_dialog(monkeypatch, qtbot, [real_workspace.async_values[0]])
    click(qtbot, screen.add_sync_button)  # and an Async token as the Sync one
    messages = []
    window.workspace_screen.message.connect(lambda kind, text: messages.append(text))
    click(qtbot, screen.schema_button)
    qtbot.waitUntil(lambda: not screen.is_learning_schema() and bool(messages), timeout=20000)
    said = messages[-1]
    assert 'telecrm refused the Sync token "sync-1" (401 NOT_AUTHORIZED)' in said
    assert "an Async token pasted as a Sync one" in said and "deleted in telecrm" in said
    assert f"the enterprise ID {real_workspace.enterprise_id} is not this token's workspace" in said

    walk_to_send(window, qtbot, monkeypatch, None, tmp_path, 3)  # the workspace was set up above
    primary(window, qtbot)
    send = window.send_screen
    qtbot.waitUntil(lambda: not send.is_running(), timeout=60000)
    events = [send.event_list.item(i).text() for i in range(send.event_list.count())]
    refused = next(e for e in events if e.startswith('telecrm refused the Async token "token-1" (401'))
    assert "a Sync token pasted as an Async one" in refused and "deleted in telecrm" in refused
    assert "Sync token pasted as an Async one" in window.message_bar.label.text()
    assert "--" not in " ".join(events) + window.message_bar.label.text() + said
    assert not [r.getMessage() for r in caplog.records if r.exc_info]  # no traceback for telecrm's answer
