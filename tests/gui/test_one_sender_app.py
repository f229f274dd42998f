"""The app's send takes the same claim as the command line: while another process sends the same
sheet, pressing Send says so in one sentence and sends nothing; once it is gone, Send sends it all."""

import subprocess
import sys
import textwrap

from PySide6.QtCore import Qt

from telecrm_desktop.core import paths
from telecrm_desktop.core.send.run_claim import BUSY_SENTENCE
from telecrm_desktop.core.send import runs
from telecrm_desktop.gui.bridge import pipeline_bridge, sandbox_link
from telecrm_desktop.gui.flow_driver import FlowDriver, wait_until
from telecrm_desktop.gui.main_window import SEND
from tests.gui.test_flow import write_leads

HOLDER = textwrap.dedent("""
    import sys
    from telecrm_desktop.core.send import run_claim
    claim = run_claim.claim_sheet(*sys.argv[1:5])
    print("held", flush=True)
    sys.stdin.read()  # until the test closes it
""")


def test_send_is_refused_while_another_process_sends_the_same_sheet(window, qtbot, tmp_path):
    sheet = write_leads(tmp_path / "leads.csv", 6)
    driver = FlowDriver(window, timeout=30)
    driver.use_sandbox()
    driver.open_file(sheet)
    driver.accept_mapping()
    driver.review()
    session = window.session
    enterprise = pipeline_bridge.destination(session.workspace).enterprise_id
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(paths.journal_path()), enterprise, runs.file_fingerprint(sheet),
         runs.template_fingerprint(pipeline_bridge._fingerprint_source(session))],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        send = window.send_screen
        messages = []
        send.message.connect(lambda kind, text: messages.append((kind, text)))
        window.go_to(SEND)
        qtbot.mouseClick(window.primary_button, Qt.MouseButton.LeftButton)
        wait_until(lambda: messages and not send.is_running(), 30, "the refusal")
        kind, text = messages[-1]
        assert kind == "error" and BUSY_SENTENCE in text.lower(), messages
        assert sandbox_link.sandbox_server().state.queued == 0
    finally:
        holder.stdin.close()
        holder.wait(10)
    qtbot.mouseClick(window.primary_button, Qt.MouseButton.LeftButton)  # the other sender is gone
    wait_until(lambda: send.is_running(), 10, "the send to start")
    wait_until(lambda: not send.is_running(), 60, "the send to finish")
    assert send.worker_counts() == {"queued": 6}
    state = sandbox_link.sandbox_server().state
    assert state.queued == 6 and state.doubled_actions() == []
