"""GUI tests run offscreen, with settings, journal and logs in a temporary data folder."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def desktop_home(tmp_path, monkeypatch):
    """Every test gets its own TELECRM_DESKTOP_HOME: QSettings ini, journal, logs, templates."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("TELECRM_DESKTOP_HOME", str(home))
    monkeypatch.delenv("TELECRM_ASYNC_TOKENS", raising=False)
    return home


@pytest.fixture
def app(qapp):
    from telecrm_desktop.gui.app import make_application

    return make_application()


@pytest.fixture
def window(app, qtbot):
    from telecrm_desktop.gui.main_window import MainWindow
    from telecrm_desktop.gui.bridge.sandbox_link import stop_sandbox

    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    yield win
    if win.send_screen.is_running():
        win.send_screen.pause_for_close()
    stop_sandbox()


from tests.keyring_session import keyring_daemons, secret_service  # noqa: E402,F401
