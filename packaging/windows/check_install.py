"""What the installer left in Windows, read back with the Windows Python (build-under-wine.sh).

    python check_install.py installed "C:\\Program Files\\telecrm desktop importer" telecrm-desktop.ico
    python check_install.py uninstalled

`installed`: the "Open with" entries for .xlsx and .csv name the installed exe with the file as its
one quoted argument, and the exe carries the app's icon (every image of the .ico, as the Start
menu entry and Explorer show it). `uninstalled`: none of those registry entries are left.
Prints one line per check; exits 1 naming the first that failed.
"""

from __future__ import annotations

import sys
import winreg

PROG_ID = "telecrm-desktop.sheet"  # packaging/windows/telecrm-desktop.iss
EXE = "telecrm-desktop.exe"
CLASSES = r"Software\Classes"


def _value(path: str, name: str = "") -> str | None:
    for root in (winreg.HKEY_LOCAL_MACHINE, winreg.HKEY_CURRENT_USER):
        try:
            with winreg.OpenKey(root, path) as key:
                return winreg.QueryValueEx(key, name)[0]
        except OSError:
            continue
    return None


def _key_exists(path: str) -> bool:
    for root in (winreg.HKEY_LOCAL_MACHINE, winreg.HKEY_CURRENT_USER):
        try:
            winreg.OpenKey(root, path).Close()
            return True
        except OSError:
            continue
    return False


def icon_images_of_exe(exe: str) -> set[bytes]:
    import pefile  # PyInstaller's own dependency on Windows

    pe = pefile.PE(exe, fast_load=True)
    pe.parse_data_directories(directories=[pefile.DIRECTORY_ENTRY["IMAGE_DIRECTORY_ENTRY_RESOURCE"]])
    images = set()
    for kind in getattr(pe, "DIRECTORY_ENTRY_RESOURCE", None).entries:
        if kind.id != pefile.RESOURCE_TYPE["RT_ICON"]:
            continue
        for entry in kind.directory.entries:
            for language in entry.directory.entries:
                data = language.data.struct
                images.add(pe.get_data(data.OffsetToData, data.Size))
    return images


def icon_images_of_ico(path: str) -> set[bytes]:
    import struct

    data = open(path, "rb").read()
    _, _, count = struct.unpack("<HHH", data[:6])
    images = set()
    for index in range(count):
        size, offset = struct.unpack("<II", data[6 + 16 * index + 8: 6 + 16 * index + 16])
        images.add(data[offset: offset + size])
    return images


def check_installed(app_dir: str, ico: str) -> list[str]:
    exe = f"{app_dir}\\{EXE}"
    command = f'"{exe}" "%1"'
    problems = []
    for extension in (".xlsx", ".csv"):
        if _value(rf"{CLASSES}\{extension}\OpenWithProgids", PROG_ID) is None:
            problems.append(f"{extension} does not offer {PROG_ID} under Open with")
        else:
            print(f"{extension}: Open with offers {PROG_ID}")
        if _value(rf"{CLASSES}\Applications\{EXE}\SupportedTypes", extension) is None:
            problems.append(f"{EXE} does not list {extension} among its supported types")
    for path in (rf"{CLASSES}\{PROG_ID}\shell\open\command", rf"{CLASSES}\Applications\{EXE}\shell\open\command"):
        found = _value(path)
        if found != command:
            problems.append(f"{path} is {found!r}, expected {command!r}")
        else:
            print(f"{path}: {found}")
    icon = _value(rf"{CLASSES}\{PROG_ID}\DefaultIcon")
    if icon != f"{exe},0":
        problems.append(f"the file type's icon is {icon!r}, expected the exe's first icon")
    missing = icon_images_of_ico(ico) - icon_images_of_exe(exe)
    if missing:
        problems.append(f"{EXE} lacks {len(missing)} of the images of {ico}")
    else:
        print(f"{EXE} carries every image of the app icon")
    return problems


def check_uninstalled() -> list[str]:
    problems = []
    for extension in (".xlsx", ".csv"):
        if _value(rf"{CLASSES}\{extension}\OpenWithProgids", PROG_ID) is not None:
            problems.append(f"{extension} still offers {PROG_ID}")
    for path in (rf"{CLASSES}\{PROG_ID}", rf"{CLASSES}\Applications\{EXE}"):
        if _key_exists(path):
            problems.append(f"{path} is still in the registry")
    return problems


def main(argv: list[str]) -> int:
    problems = check_installed(argv[1], argv[2]) if argv[0] == "installed" else check_uninstalled()
    for problem in problems:
        print(f"check_install: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
