"""The question asked before leads go to a real workspace: which workspace, how many leads, how
long at the chosen budget, and what cannot be taken back. The sandbox is never asked about.

`SendFacts` holds what the question says; a later fact (e.g. how many leads are new and how many
already exist) is one more field and one more line in `lines()`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtWidgets import QMessageBox, QWidget

from telecrm_desktop.gui.widgets.parts import duration_text


@dataclass
class SendFacts:
    workspace: str  # "workspace 66f6…" as the Send screen names it
    leads: int
    tokens: int  # Async tokens that will share the work
    per_token_per_hour: int  # each token's part of its hourly limit at the chosen budget
    budget_share: int  # percent of the limit
    existing: str = ""  # after a lookup: the import mode and what happens to new and existing leads

    def seconds(self) -> float | None:
        """About how long the send takes: the leads spread evenly over every token's budget."""
        if self.tokens < 1 or self.per_token_per_hour < 1:
            return None
        return self.leads * 3600.0 / (self.tokens * self.per_token_per_hour)

    def lines(self) -> list[str]:
        seconds = self.seconds()
        if seconds is None:
            pace = "There is no Async token for this workspace yet, so nothing can be sent."
        else:
            pace = (f"At {self.budget_share}% of each token's limit ({self.per_token_per_hour:,} an hour, "
                    f"{self.tokens} token{'s' if self.tokens != 1 else ''}) this takes about "
                    f"{duration_text(max(1.0, math.ceil(seconds)))}.")
        return [
            f"Send {self.leads:,} lead{'s' if self.leads != 1 else ''} to {self.workspace}?",
            *([self.existing] if self.existing else []),
            pace,
            "This cannot be undone from this app: telecrm creates or updates each lead, and adds its "
            "actions (notes, payments…) again if they are sent again. Taking them back means "
            "deleting them in telecrm.",
        ]


def existing_facts(session, leads: int) -> tuple[int, str]:
    """After a lookup of the existing leads: the leads that will really be sent (new and changing
    ones) and one sentence with the counts; before one, `leads` and no sentence."""
    from telecrm_desktop.gui.bridge import existing_leads as el

    found = el.current(session)
    if found is None:
        return leads, ""
    n = {c: found.counts.get(c, 0) for c in el.CATEGORIES}
    return n[el.NEW] + n[el.CHANGING], (
        f"{el.MODE_WORDS[el.import_mode(session)]}: {n[el.NEW]:,} new, {n[el.CHANGING]:,} existing "
        f"updated; not sent: {n[el.IDENTICAL]:,} telecrm already has as they are, {n[el.SKIPPED]:,} "
        "skipped by the import mode.")


def send_facts(session, leads: int) -> SendFacts:
    """The facts for the workspace on the Workspace step and `leads` leads to send."""
    from telecrm_desktop.core import secrets
    from telecrm_desktop.core.send.pacing import run_limit

    ws = session.workspace
    try:
        tokens = len(secrets.load_async_tokens(ws.enterprise_id))
    except Exception:  # noqa: BLE001 - a keyring problem is reported when the send starts
        tokens = 0
    share = max(1, min(100, ws.budget_share))
    leads, existing = existing_facts(session, leads)
    return SendFacts(f"workspace {ws.enterprise_id}", leads, tokens, run_limit(ws.rate_per_hour, share / 100), share,
                     existing)


def confirm_send(parent: QWidget | None, facts: SendFacts) -> bool:
    """Asks; True when the person chose to send."""
    box = QMessageBox(parent)
    box.setObjectName("confirmSend")
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Send to telecrm?")
    first, *rest = facts.lines()
    box.setText(first)
    box.setInformativeText("\n\n".join(rest))
    send = box.addButton(f"Send {facts.leads:,} lead{'s' if facts.leads != 1 else ''}",
                         QMessageBox.ButtonRole.AcceptRole)
    send.setObjectName("confirmSendButton")
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)  # Enter alone never sends to a real workspace
    box.exec()
    return box.clickedButton() is send
