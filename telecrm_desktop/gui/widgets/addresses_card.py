"""The Workspace screen's telecrm addresses (two compact rows in the workspace card): which Async
and Sync API roots the app uses, where each comes from (telecrm's default, chosen here, or the
environment for this launch only), and a way to choose another or go back to telecrm's default.

What is chosen here is kept in the settings; an address from the environment never is.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QInputDialog, QLabel, QPushButton, QWidget

from telecrm_desktop.core import endpoints


def origin_text(address: endpoints.ApiAddress) -> str:
    if address.origin == endpoints.FROM_ENVIRONMENT:
        return f"set by {address.variable} for this launch only (not saved)"
    if address.origin == endpoints.CHOSEN:
        return "chosen in this app"
    return "telecrm's default"


class AddressesCard(QWidget):
    """Two rows (Async API, Sync API): the address, its origin, Change… and Reset buttons."""

    changed = Signal()
    problem = Signal(str)  # a sentence for the window's message bar

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 4, 0, 0)
        grid.setVerticalSpacing(2)
        self.rows: dict[str, tuple[QLabel, QPushButton, QPushButton]] = {}
        for i, (kind, title) in enumerate((("async", "Async API"), ("sync", "Sync API"))):
            value = QLabel()
            value.setWordWrap(True)
            value.setAccessibleName(f"{title} address")
            change = QPushButton("Change…")
            change.setToolTip("Use another address, e.g. a stand-in for telecrm or a company gateway.")
            change.clicked.connect(lambda _=False, k=kind: self.change(k))
            reset = QPushButton("Reset")
            reset.setToolTip("Go back to telecrm's own address.")
            reset.clicked.connect(lambda _=False, k=kind: self.reset(k))
            name = QLabel(title)
            name.setToolTip("Sending goes to the Async API; learning the workspace and checking that "
                            "leads landed go to the Sync API.")
            grid.addWidget(name, i, 0)
            grid.addWidget(value, i, 1)
            grid.addWidget(change, i, 2)
            grid.addWidget(reset, i, 3)
            self.rows[kind] = (value, change, reset)
        grid.setColumnStretch(1, 1)
        self.refresh()

    def address(self, kind: str) -> endpoints.ApiAddress:
        ws = self.session.workspace
        return ws.async_address() if kind == "async" else ws.sync_address()

    def refresh(self) -> None:
        sandbox = self.session.workspace.use_sandbox
        self.setVisible(not sandbox)  # the sandbox runs on this computer: its addresses are its own
        for kind, (value, change, reset) in self.rows.items():
            address = self.address(kind)
            problem = address.problem()
            value.setText(f"{address.url}  ({origin_text(address)})" + (f"\n{problem}" if problem else ""))
            value.setStyleSheet("color: #b3261e;" if problem else "")
            value.setEnabled(not sandbox)
            change.setEnabled(not sandbox)
            chosen = self.session.workspace.base_url if kind == "async" else self.session.workspace.sync_url
            reset.setEnabled(not sandbox and chosen.rstrip("/") != address.default)

    def change(self, kind: str) -> None:
        from telecrm_desktop.core.send.client import check_base_url
        from telecrm_desktop.core.workspace.sync_client import check_sync_url

        ws = self.session.workspace
        current = ws.base_url if kind == "async" else ws.sync_url
        name = "Async API" if kind == "async" else "Sync API"
        text, ok = QInputDialog.getText(self, f"telecrm {name} address", f"{name} address:", text=current)
        if not ok or not text.strip():
            return
        try:
            url = (check_base_url if kind == "async" else check_sync_url)(text.strip())
        except ValueError as exc:
            self.problem.emit(str(exc))
            return
        self._set(kind, url)

    def reset(self, kind: str) -> None:
        self._set(kind, self.address(kind).default)

    def _set(self, kind: str, url: str) -> None:
        ws = self.session.workspace
        if kind == "async":
            ws.base_url = url
        else:
            ws.sync_url = url
        ws.save()
        self.refresh()
        if self.address(kind).origin == endpoints.FROM_ENVIRONMENT:
            self.problem.emit(f"Saved; {self.address(kind).variable} is set for this launch, so "
                              f"{self.address(kind).url} stays in use until the app is started without it.")
        self.changed.emit()
