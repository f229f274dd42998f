"""Measures the GUI thread's longest stall while the app checks and sends a large sheet to the
embedded sandbox: a 5 ms timer on the GUI thread (gui/stall_probe.py) records the largest gap between
its ticks.
Run: python scripts/measure_gui_stall.py [--leads 10000]"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--leads", type=int, default=10_000)
    parser.add_argument("--external", action="store_true",
                        help="send to a sandbox in its own process (as to a real telecrm) instead of the embedded one")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")
    home = Path(tempfile.mkdtemp(prefix="telecrm-stall-"))
    os.environ["TELECRM_DESKTOP_HOME"] = str(home)
    sys.path.insert(0, str(ROOT))

    sheet = home / "leads.csv"
    with sheet.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["Full Name", "Mobile No.", "E-mail ID", "City"])
        for i in range(args.leads):
            writer.writerow([f"Lead {i}", f"9{i:09d}", f"lead{i}@example.com", "Pune"])

    from telecrm_desktop.gui.bridge import sandbox_link
    from telecrm_desktop.gui.app import make_application, prepare_runtime
    from telecrm_desktop.gui.flow_driver import FlowDriver
    from telecrm_desktop.gui.main_window import MainWindow
    from telecrm_desktop.gui.stall_probe import StallProbe

    # telecrm's real limit would make 10,000 leads take 14 minutes; the sandbox is opened wide
    sandbox_link.SANDBOX_RATE_PER_WINDOW, sandbox_link.SANDBOX_WINDOW = 1_000_000, 3600.0
    server = None
    if args.external:
        server = start_external_sandbox()
    app = make_application()
    prepare_runtime()
    window = MainWindow()
    window.resize(1280, 800)
    window.show()

    probe = StallProbe()
    probe.enter("start")

    def on_step(name):
        probe.enter({"workspace": "open", "open": "map", "map": "review", "review": "send",
                     "send": "results"}.get(name, name))

    driver = FlowDriver(window, timeout=300, on_step=on_step)
    started = time.perf_counter()
    if server is None:
        driver.use_sandbox()
    driver.open_file(sheet)
    driver.accept_mapping()
    driver.review()
    send_started = time.perf_counter()
    counts = driver.send()
    send_time = time.perf_counter() - send_started
    driver.results()
    probe.stop()
    sandbox_link.stop_sandbox()
    if server is not None:
        server.terminate()
        server.wait(10)
    print(f"{args.leads:,} leads: {counts}; send took {send_time:.1f} s "
          f"({args.leads / send_time:,.0f} leads/s); whole flow {time.perf_counter() - started:.1f} s")
    for phase in probe.gaps:
        print(f"  longest GUI stall while {phase:8s}: {probe.longest_ms(phase):6.1f} ms")
    return 0


def start_external_sandbox():
    """`telecrm-import sandbox` in its own process; the app is set up as for a real workspace."""
    import json
    import socket
    import subprocess

    from telecrm_desktop.sandbox.workspace import DEFAULT_WORKSPACE_FILE

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    definition = json.loads(DEFAULT_WORKSPACE_FILE.read_text(encoding="utf-8"))
    tokens = [t["value"] for t in definition["tokens"] if t["type"].upper() == "ASYNC"]
    server = subprocess.Popen([sys.executable, "-m", "telecrm_desktop.cli", "sandbox", "--port", str(port),
                               "--rate-limit", "1000000"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.environ["TELECRM_ASYNC_URL"] = f"http://127.0.0.1:{port}"
    os.environ["TELECRM_ASYNC_TOKENS"] = ",".join(tokens)
    from telecrm_desktop.gui.session import WorkspaceSettings

    WorkspaceSettings(enterprise_id=definition["enterprise"]["id"], rate_per_hour=1_000_000).save()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    return server


if __name__ == "__main__":
    sys.exit(main())
