"""An unexpected exception is written to the log in the data folder and told in one sentence."""

import sys

from telecrm_desktop.gui import crash_report


def test_unexpected_error_goes_to_the_log_not_the_screen(app, desktop_home, capsys, monkeypatch):
    from telecrm_desktop.core.secrets import ASYNC, Token

    secret = "9f8e7d6c-5b4a-4321-8fed-cba987654321" + "1712345678901:abcdef12-3456-7890-abcd-ef1234567890"
    Token("x", ASYNC, secret)  # the process now knows this value and scrubs it
    app.setProperty("selfTest", True)  # no modal box in a test: the sentence goes to stderr
    crash_report.install_excepthook()
    try:
        raise RuntimeError(f"boom with {secret}")
    except RuntimeError:
        sys.excepthook(*sys.exc_info())
    finally:
        app.setProperty("selfTest", False)
        sys.excepthook = sys.__excepthook__
    log = (desktop_home / "logs" / "telecrm-desktop.log").read_text(encoding="utf-8")
    assert "RuntimeError" in log and "Traceback" in log
    assert secret not in log
    err = capsys.readouterr().err
    assert "telecrm-desktop.log" in err and "Traceback" not in err
    assert err.count("\n") == 1
