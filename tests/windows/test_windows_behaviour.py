"""What a Windows user meets: a data folder under %LOCALAPPDATA%, a user name with an accent and
a space, a workbook that Excel holds locked, a path longer than 260 characters, and a file that
Explorer's "Open with" hands to the app on its command line.

These run on Windows only: packaging/windows/build-under-wine.sh runs them with the Windows Python
under Wine, on this tree and (where TELECRM_WINDOWS_BUNDLE names it) on the bundle just built.
"""

from __future__ import annotations

import csv
import ctypes
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform != "win32", reason="Windows behaviour: runs under Windows or Wine")

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = Path(os.environ["TELECRM_WINDOWS_BUNDLE"]) if os.environ.get("TELECRM_WINDOWS_BUNDLE") else None
needs_bundle = pytest.mark.skipif(BUNDLE is None, reason="TELECRM_WINDOWS_BUNDLE names no built bundle")
USER_HOME = Path("C:/Users/Zo\u00eb Smith")
# the command packaging/windows/telecrm-desktop.iss registers for "Open with"
OPEN_WITH_COMMAND = '"{exe}" "%1"'
SHELL_FOLDERS = r"Software\Microsoft\Windows\CurrentVersion\Explorer\User Shell Folders"


def sample() -> tuple[Path, Path]:
    from telecrm_desktop import assets

    return assets.sample_sheet(), assets.sample_template()


def run(command: list[str], **env_changes: str | None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    for name, value in env_changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return subprocess.run(command, input=b"", capture_output=True, env=env, timeout=300)


@pytest.fixture
def zoe():
    """A user named "Zoë Smith": her profile folder, with Local AppData redirected there the way
    Windows' folder settings do (the registry), so programs started now use it."""
    import winreg

    local = USER_HOME / "AppData" / "Local"
    (USER_HOME / "Documents").mkdir(parents=True, exist_ok=True)
    local.mkdir(parents=True, exist_ok=True)
    with winreg.OpenKey(winreg.HKEY_CURRENT_USER, SHELL_FOLDERS, 0, winreg.KEY_READ | winreg.KEY_WRITE) as key:
        previous = winreg.QueryValueEx(key, "Local AppData")
        winreg.SetValueEx(key, "Local AppData", 0, winreg.REG_EXPAND_SZ, str(local).replace("/", "\\"))
    try:
        yield USER_HOME
    finally:
        with winreg.OpenKey(winreg.HKEY_CURRENT_USER, SHELL_FOLDERS, 0, winreg.KEY_WRITE) as key:
            winreg.SetValueEx(key, "Local AppData", 0, previous[1], previous[0])
        shutil.rmtree(USER_HOME, ignore_errors=True)


def write_leads(path: Path, rows: int = 3) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    header = ["Visitor Name", "Mobile No.", "City"]
    body = [[f"Zo\u00eb {n}", f"98450{n:05d}", "Z\u00fcrich"] for n in range(rows)]
    if path.suffix == ".xlsx":
        import openpyxl

        workbook = openpyxl.Workbook()
        workbook.active.append(header)
        for row in body:
            workbook.active.append(row)
        workbook.save(path)
    else:
        with open(path, "w", encoding="utf-8", newline="") as out:
            csv.writer(out).writerows([header, *body])


def read_rows(path: Path) -> list:
    from telecrm_desktop.core.sources import open_sheet, read_table

    source = open_sheet(path)
    try:
        return list(read_table(source).rows())
    finally:
        getattr(source, "close", lambda: None)()


# --- the data folder ------------------------------------------------------------------------------


def test_data_folder_is_under_localappdata():
    probe = "from telecrm_desktop.core import paths; print(paths.data_home())"
    done = run([sys.executable, "-c", probe], TELECRM_DESKTOP_HOME=None, PYTHONIOENCODING="utf-8")
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    home = Path(done.stdout.decode("utf-8").strip())
    assert home == Path(os.environ["LOCALAPPDATA"]) / "telecrm-desktop"
    assert not str(home).lower().startswith(os.environ["APPDATA"].lower())  # not the roaming profile


@needs_bundle
def test_bundle_works_for_a_user_with_an_accent_and_a_space(zoe):
    folder = zoe / "Documents" / "Expo leads 2026"
    sheet = folder / "leads \u0141\u00f3d\u017a \u2013 M\u00e4rz.csv"  # "Łódź – März": not all of it fits cp1252
    sheet_source, template_source = sample()
    folder.mkdir(parents=True)
    shutil.copyfile(sheet_source, sheet)
    template = folder / "expo template.mapping.json"
    shutil.copyfile(template_source, template)
    report = folder / "report \u00e9t\u00e9.csv"

    cli = str(BUNDLE / "telecrm-import.exe")
    done = run([cli, "check", str(sheet), "--mapping", str(template), "--report", str(report)], TELECRM_DESKTOP_HOME=None)
    assert done.returncode in (0, 1), done.stderr.decode("utf-8", "replace")
    assert b"Traceback" not in done.stderr
    with open(report, encoding="utf-8-sig") as handle:
        statuses = [row["status"] for row in csv.DictReader(handle)]
    assert statuses.count("ready") >= 20

    # the journal lands in her %LOCALAPPDATA%, not in the program's folder nor the roaming profile
    done = run([cli, "history"], TELECRM_DESKTOP_HOME=None)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert (zoe / "AppData" / "Local" / "telecrm-desktop").is_dir()


def test_sheets_at_paths_with_spaces_and_non_ascii_names_are_read(zoe):
    for name in ("Expo leads.csv", "\u0141\u00f3d\u017a visitors \u00e9t\u00e9.xlsx"):
        path = zoe / "Documents" / "Sales \u2013 2026" / name
        write_leads(path, rows=4)
        rows = read_rows(path)
        assert len(rows) == 4, name


# --- a workbook open in Excel -----------------------------------------------------------------------


def lock_like_excel(path: Path):
    """Open `path` sharing nothing, as Excel holds a workbook it has open."""
    from ctypes import wintypes

    create_file = ctypes.windll.kernel32.CreateFileW
    create_file.restype = wintypes.HANDLE
    create_file.argtypes = [wintypes.LPCWSTR, wintypes.DWORD, wintypes.DWORD, ctypes.c_void_p,
                            wintypes.DWORD, wintypes.DWORD, wintypes.HANDLE]
    generic_read_write, no_sharing, open_existing = 0xC0000000, 0, 3
    handle = create_file(str(path), generic_read_write, no_sharing, None, open_existing, 0x80, None)
    assert handle not in (None, wintypes.HANDLE(-1).value), ctypes.WinError()
    return handle


@pytest.mark.parametrize("name", ["Expo leads.xlsx", "Expo leads.csv"])
def test_a_sheet_open_in_excel_is_named_in_one_sentence(tmp_path, name):
    from telecrm_desktop.core.sources import SourceError, open_sheet

    path = tmp_path / "Shared drive" / name
    write_leads(path)
    handle = lock_like_excel(path)
    try:
        with pytest.raises(SourceError) as raised:
            open_sheet(path)
    finally:
        ctypes.windll.kernel32.CloseHandle(handle)
    message = str(raised.value)
    assert name in message and "open in another program that locks it" in message
    assert message.endswith(".") and message.count(". ") == 0, message
    assert len(read_rows(path)) == 3  # once Excel lets go, the same file opens


@needs_bundle
def test_bundle_check_of_a_locked_workbook_says_so(tmp_path):
    path = tmp_path / "Expo leads.xlsx"
    write_leads(path)
    _, template = sample()
    handle = lock_like_excel(path)
    try:
        done = run([str(BUNDLE / "telecrm-import.exe"), "check", str(path), "--mapping", str(template)],
                   TELECRM_DESKTOP_HOME=str(tmp_path / "home"))
    finally:
        ctypes.windll.kernel32.CloseHandle(handle)
    said = done.stdout.decode("utf-8", "replace") + done.stderr.decode("utf-8", "replace")
    assert done.returncode >= 2 and "Traceback" not in said
    assert "Expo leads.xlsx" in said and "open in another program that locks it" in said


# --- long paths ---------------------------------------------------------------------------------


def long_folder(base: Path) -> Path:
    folder = base
    while len(str(folder)) < 280:
        folder = folder / "a folder with a fairly long name"
    return folder


def test_a_sheet_deeper_than_260_characters_is_read(tmp_path):
    path = long_folder(tmp_path) / "Expo leads.xlsx"
    assert len(str(path)) > 260
    write_leads(path, rows=5)
    assert len(read_rows(path)) == 5


@needs_bundle
def test_bundle_checks_a_sheet_deeper_than_260_characters(tmp_path):
    sheet_source, template = sample()
    path = long_folder(tmp_path) / "leads sample.csv"
    path.parent.mkdir(parents=True)
    shutil.copyfile(sheet_source, path)
    report = path.parent / "report.csv"
    done = run([str(BUNDLE / "telecrm-import.exe"), "check", str(path), "--mapping", str(template),
                "--report", str(report)], TELECRM_DESKTOP_HOME=str(tmp_path / "home"))
    assert done.returncode in (0, 1), done.stderr.decode("utf-8", "replace")
    assert report.stat().st_size > 0


# --- "Open with": the file on the command line ------------------------------------------------------


def explorer_argv(command: str, file: Path) -> list[str]:
    """The argv a program gets when Explorer runs `command` (with %1) for `file`."""
    from ctypes import wintypes

    split = ctypes.windll.shell32.CommandLineToArgvW
    split.restype = ctypes.POINTER(wintypes.LPWSTR)
    count = ctypes.c_int()
    argv = split(command.replace("%1", str(file)), ctypes.byref(count))
    try:
        return [argv[i] for i in range(count.value)]
    finally:
        ctypes.windll.kernel32.LocalFree(argv)


def test_the_app_opens_the_file_explorer_hands_it(zoe):
    sheet = zoe / "Documents" / "Expo leads 2026" / "visitors \u0141\u00f3d\u017a.xlsx"
    write_leads(sheet, rows=6)
    argv = explorer_argv(OPEN_WITH_COMMAND.format(exe="C:\\Program Files\\telecrm desktop importer\\telecrm-desktop.exe"), sheet)
    assert argv[1:] == [str(sheet)]
    # the app's own entry point, given that argv; a timer reports what the window loaded, then quits
    probe = textwrap.dedent(
        """
        import sys
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication
        from telecrm_desktop.gui import app

        waited = [0]

        def report():
            windows = [w for w in QApplication.topLevelWidgets() if hasattr(w, "session")]
            sheet = windows[0].session.sheet if windows else None
            if sheet is not None and sheet.complete:
                print("opened", ascii(str(sheet.path)), len(sheet.rows), flush=True)
                QApplication.instance().exit(0)
            elif windows and waited[0] == 5:
                # the first start: the window asks for a workspace; the person picks the practice one
                windows[0].workspace_screen.sandbox_radio.click()
                waited[0] += 1
                QTimer.singleShot(100, report)
            elif waited[0] > 600:
                print("nothing opened", flush=True)
                QApplication.instance().exit(3)
            else:
                waited[0] += 1
                QTimer.singleShot(100, report)

        app.make_application()  # main() takes this instance; the timer needs it to exist
        QTimer.singleShot(100, report)
        sys.exit(app.main(sys.argv[1:]))
        """
    )
    done = run([sys.executable, "-c", probe, *argv[1:]], QT_QPA_PLATFORM="offscreen",
               TELECRM_DESKTOP_HOME=str(zoe / "AppData" / "Local" / "telecrm-desktop-test"))
    said = done.stdout.decode("utf-8", "replace")
    assert done.returncode == 0, said + done.stderr.decode("utf-8", "replace")
    assert f"opened {ascii(str(sheet))} 6" in said
