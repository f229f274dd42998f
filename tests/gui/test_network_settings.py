"""The Workspace step's Network group: a proxy and a company certificate typed or chosen there are
checked, kept in the settings, and used by the app's sends and schema pulls."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from telecrm_desktop.core.network import NetworkSettings
from telecrm_desktop.gui.network_settings import CA_FILE_KEY, PROXY_KEY, network_settings
from telecrm_desktop.gui.settings import app_settings

trustme = pytest.importorskip("trustme")


def type_into(qtbot, edit, text):
    edit.clear()
    qtbot.mouseClick(edit, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def test_a_proxy_and_a_company_certificate_are_checked_and_kept(window, qtbot, tmp_path, monkeypatch):
    for name in ("TELECRM_PROXY", "TELECRM_CA_FILE"):
        monkeypatch.delenv(name, raising=False)
    group = window.workspace_screen.network_group
    type_into(qtbot, group.proxy_edit, "ftp://proxy")
    assert "Not saved" in group.status.text() and app_settings().value(PROXY_KEY, "") in ("", None)

    type_into(qtbot, group.proxy_edit, "proxy.corp.example:3128")
    assert group.proxy_edit.text() == "http://proxy.corp.example:3128"
    assert app_settings().value(PROXY_KEY) == "http://proxy.corp.example:3128"

    not_a_certificate = tmp_path / "root.pem"
    not_a_certificate.write_text("hello", encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(not_a_certificate), ""))
    qtbot.mouseClick(group.ca_button, Qt.MouseButton.LeftButton)
    assert "cannot be used" in group.status.text() and not app_settings().value(CA_FILE_KEY, "")

    root = tmp_path / "company-root.pem"
    trustme.CA().cert_pem.write_to_path(str(root))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(root), ""))
    qtbot.mouseClick(group.ca_button, Qt.MouseButton.LeftButton)
    assert app_settings().value(CA_FILE_KEY) == str(root)
    assert network_settings() == NetworkSettings("http://proxy.corp.example:3128", str(root))
