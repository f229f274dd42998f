"""Lead data at rest is the owner's alone: the data folder 0700, every file in it 0600, and a
folder left readable by an older version tightened on start, with one line in the log."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from telecrm_desktop.cli import main
from telecrm_desktop.core import paths
from tests.send.test_cli_send import cli, write_sheet  # noqa: F401 (fixture)

pytestmark = pytest.mark.skipif(os.name != "posix", reason="mode bits are a POSIX matter; Windows uses ACLs")


def modes(home: Path) -> dict[str, int]:
    found = {".": stat.S_IMODE(home.stat().st_mode)}
    for root, dirs, files in os.walk(home):
        for name in dirs + files:
            path = Path(root, name)
            found[str(path.relative_to(home))] = stat.S_IMODE(path.lstat().st_mode)
    return found


def test_a_send_leaves_only_owner_only_folders_and_files(cli, tmp_path):  # noqa: F811
    old = os.umask(0o022)  # the usual desktop umask: without the fix everything is 0755 / 0644
    try:
        write_sheet(cli.sheet, 4)
        assert cli.send("--report", str(tmp_path / "r.csv")) == 1
        os.environ["TELECRM_SYNC_TOKEN"] = cli.sandbox.sync_token.value
        try:  # the schema cache, written by `schema pull`
            assert main(["schema", "pull", "--enterprise", cli.sandbox.enterprise_id,
                         "--sync-url", cli.sandbox.sync_url]) == 0
        finally:
            del os.environ["TELECRM_SYNC_TOKEN"]
    finally:
        os.umask(old)
    found = modes(cli.home)
    names = set(found)
    assert {"journal.sqlite3", "logs/send.log", "runs/1/results.csv", "runs/1/results.xlsx"} <= names
    assert any(n.startswith("schemas/") and n.endswith(".json") for n in names)
    folders = {n for n in found if n == "." or (cli.home / n).is_dir()}
    assert {n: oct(m) for n, m in found.items() if n in folders and m != 0o700} == {}
    assert {n: oct(m) for n, m in found.items() if n not in folders and m != 0o600} == {}


def test_an_existing_readable_folder_is_tightened_on_start_with_one_log_line(tmp_path, monkeypatch):
    home = tmp_path / "old-home"
    (home / "runs" / "3").mkdir(parents=True)
    (home / "logs").mkdir()
    for name in ("journal.sqlite3", "runs/3/results.csv", "settings.ini"):
        (home / name).write_text("lead data", encoding="utf-8")
    for path in [home, *home.rglob("*")]:
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    monkeypatch.setenv("TELECRM_DESKTOP_HOME", str(home))
    paths._tightened.discard(home)

    assert paths.data_home() == home
    found = modes(home)
    assert found["."] == 0o700 and found["runs/3"] == 0o700
    assert found["runs/3/results.csv"] == 0o600 and found["journal.sqlite3"] == 0o600
    lines = (home / "logs" / "data-folder.log").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 and str(home) in lines[0] and "private" in lines[0]
    paths._tightened.discard(home)
    paths.data_home()  # a second start finds nothing to change: no second line
    assert len((home / "logs" / "data-folder.log").read_text(encoding="utf-8").splitlines()) == 1
