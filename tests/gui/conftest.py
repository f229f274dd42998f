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


MODAL_PATIENCE = 60.0  # seconds a modal dialog may wait for the test's answer


@pytest.fixture(autouse=True)
def no_unanswered_dialog(request):
    """A modal dialog that no test answers would hang the suite (exec() never returns): after
    MODAL_PATIENCE seconds it is closed and the test fails, naming the dialog."""
    if "qapp" not in request.fixturenames and "qtbot" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("qapp")  # the timer needs the application's event loop
    import time

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    left_open: list[str] = []
    seen = {"widget": None, "since": 0.0}

    def look():
        box = QApplication.activeModalWidget()
        if box is None or box is not seen["widget"]:
            seen["widget"], seen["since"] = box, time.monotonic()
        elif time.monotonic() - seen["since"] > MODAL_PATIENCE:
            left_open.append(f"{type(box).__name__} {box.objectName()!r}: {box.windowTitle()!r}")
            box.reject() if hasattr(box, "reject") else box.close()

    timer = QTimer()
    timer.setInterval(500)
    timer.timeout.connect(look)
    timer.start()
    yield
    timer.stop()
    assert not left_open, f"a modal dialog waited {MODAL_PATIENCE:.0f} s for an answer: {left_open}"


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
