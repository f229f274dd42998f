"""The Workspace step's "Network" group: a proxy and a company certificate file, for office
networks whose proxy the system settings do not name, or that inspect HTTPS with their own root.

Both are optional: empty means the system's proxy settings and certificate store (core.network),
which is right for most computers. Kept in the app's settings; checked when entered, so a wrong
address is said here rather than when sending.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QFileDialog, QFormLayout, QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget,
)

from telecrm_desktop.core.network import NetworkSettings, NetworkSettingsError, check_proxy, tls_context
from telecrm_desktop.gui.settings import app_settings

PROXY_KEY, CA_FILE_KEY = "network/proxy", "network/ca_file"


def network_settings() -> NetworkSettings:
    """The proxy and CA file the app sends and pulls schemas with (the environment's when unset)."""
    s = app_settings()
    env = NetworkSettings.from_environment()
    return NetworkSettings(str(s.value(PROXY_KEY, "") or "") or env.proxy,
                           str(s.value(CA_FILE_KEY, "") or "") or env.ca_file)


class NetworkGroup(QFrame):
    """A card like the Workspace step's others: titled, framed, both fields optional."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("card")  # the framed look of the step's other cards (widgets/style.py)
        box = QVBoxLayout(self)
        box.setContentsMargins(16, 12, 16, 12)
        box.addWidget(QLabel("<b>Network</b> (optional: most computers need neither)"))
        form = QFormLayout()
        form.setVerticalSpacing(4)
        box.addLayout(form)
        self.proxy_edit = QLineEdit()
        self.proxy_edit.setPlaceholderText("from the system settings (e.g. http://proxy.company.com:8080)")
        self.proxy_edit.setAccessibleName("Proxy")
        form.addRow("Proxy", self.proxy_edit)
        self.ca_edit = QLineEdit()
        self.ca_edit.setPlaceholderText("the system's certificates only")
        self.ca_edit.setAccessibleName("Company certificate file")
        self.ca_button = QPushButton("Choose…")
        row = QHBoxLayout()
        row.addWidget(self.ca_edit, 1)
        row.addWidget(self.ca_button)
        form.addRow("Company certificate", row)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setObjectName("muted")
        self.status.hide()  # shown once there is something to say: the screen stays short
        form.addRow(self.status)
        s = app_settings()
        self.proxy_edit.setText(str(s.value(PROXY_KEY, "") or ""))
        self.ca_edit.setText(str(s.value(CA_FILE_KEY, "") or ""))
        self.proxy_edit.editingFinished.connect(self._save)
        self.ca_edit.editingFinished.connect(self._save)
        self.ca_button.clicked.connect(self._choose_ca_file)

    def _choose_ca_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Company root certificate", self.ca_edit.text(),
                                              "Certificates (*.pem *.crt *.cer);;All files (*)")
        if path:
            self.ca_edit.setText(path)
            self._save()

    def _save(self) -> None:
        proxy, ca_file = self.proxy_edit.text().strip(), self.ca_edit.text().strip()
        try:
            proxy = check_proxy(proxy)
            tls_context(NetworkSettings(proxy, ca_file))  # a file that is not a certificate is said now
        except NetworkSettingsError as exc:
            text = str(exc)
            self._say(text[:1].upper() + text[1:] + ". Not saved.")
            return
        s = app_settings()
        s.setValue(PROXY_KEY, proxy)
        s.setValue(CA_FILE_KEY, ca_file)
        s.sync()
        self.proxy_edit.setText(proxy)
        self._say("Saved. " + ("Requests go through this proxy." if proxy else
                               "Requests use the system's proxy settings, if any."))

    def _say(self, text: str) -> None:
        self.status.setText(text)
        self.status.show()
