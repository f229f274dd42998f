"""Two more screenshots for scripts/screenshots.py: the launch banner offering to continue a run
that stopped (a send cancelled, then a fresh window), and the Map step with a saved template that
only partly fits the workspace (the targets it lacks marked in red with the nearest real field)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Callable

PARTIAL_TEMPLATE = {
    "format": "telecrm-mapping/1",
    "name": "Expo desk (older workspace)",
    "identifier": "phone",
    "date_order": "DMY",
    "columns": {
        "Visitor Name": {"to": "fields.name"},
        "Mobile No.": {"to": "fields.phone"},
        "E-mail ID": {"to": "fields.emial"},
        "City": {"to": "fields.City"},
        "Lead Source": {"to": "fields.contact_source"},
    },
    "constants": {"fields.company_name": "Expo 2026"},
}


def banner_and_partial_template(window_factory: Callable, sample: Path, work: Path, shot: Callable) -> None:
    """`shot(window, name)` saves a grab of `window`."""
    from telecrm_desktop.gui.flow_driver import FlowDriver, wait_until
    from telecrm_desktop.gui.main_window import SEND

    # a saved template beside a copy of the sample sheet: it is offered when the file opens
    sheet = work / "expo visitors.csv"
    shutil.copyfile(sample, sheet)
    (work / "expo visitors.mapping.json").write_text(json.dumps(PARTIAL_TEMPLATE, indent=2), encoding="utf-8")
    window = window_factory()
    driver = FlowDriver(window, timeout=60)
    driver.use_sandbox()
    driver.open_file(sheet)
    driver.accept_mapping()
    window.map_screen.view.clearSelection()
    shot(window, "3b-map-partial-template")

    # a send cancelled part-way: the next launch offers to continue it
    window.map_screen.apply_schema_fixes()
    driver.review()
    window.go_to(SEND)
    send = window.send_screen
    send.start()
    wait_until(lambda: (send.queued_tile.value() or 0) >= 3 or not send.is_running(), 60, "a part of the send")
    send.cancel()
    wait_until(lambda: not send.is_running(), 60, "the cancel")
    window.close()
    fresh = window_factory()
    wait_until(lambda: fresh.resume_banner.isVisible(), 10, "the banner")
    shot(fresh, "0-resume-banner")
    fresh.close()
