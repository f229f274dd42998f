"""Recent files: remembered at once in memory, written to the settings file in the background,
kept apart per settings store (TELECRM_DESKTOP_HOME)."""

from telecrm_desktop.gui import settings


def test_recent_files_are_written_in_the_background(app, tmp_path, monkeypatch):
    monkeypatch.setenv("TELECRM_DESKTOP_HOME", str(tmp_path / "a"))
    assert settings.recent_files() == []
    settings.remember_recent_file("/data/one.csv")
    written = settings.remember_recent_file("/data/two.xlsx")
    assert settings.recent_files() == ["/data/two.xlsx", "/data/one.csv"]  # at once
    written.result(timeout=10)
    assert settings.app_settings().value("open/recent") == ["/data/two.xlsx", "/data/one.csv"]
    settings.remember_recent_file("/data/one.csv").result(timeout=10)  # again: moves to the top
    assert settings.app_settings().value("open/recent") == ["/data/one.csv", "/data/two.xlsx"]
    assert settings.recent_files(limit=1) == ["/data/one.csv"]

    monkeypatch.setenv("TELECRM_DESKTOP_HOME", str(tmp_path / "b"))  # another store: its own list
    assert settings.recent_files() == []
