"""Files the app ships and reads at run time: the icons and the sample sheet with its template.

They are package data (pyproject's `package-data`), so a wheel installed with `pip install .`
carries them, and build.spec collects them into the bundle at the same place relative to the
package. Read them through `importlib.resources`, never through a path built from the source tree.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

SAMPLE_SHEET = "leads-sample.csv"
SAMPLE_TEMPLATE = "leads-sample.mapping.json"
ICON_NAMES = ("telecrm-desktop.svg", "telecrm-desktop-256.png")


def _file(folder: str, name: str) -> Path | None:
    entry = resources.files(__name__).joinpath(folder, name)
    if not entry.is_file():
        return None
    # a wheel unpacks to real files and PyInstaller's importer answers with real paths; Qt and the
    # readers need a path, so anything else (a zipped install) is not supported
    return Path(str(entry))


def sample_sheet() -> Path | None:
    """The sample lead sheet, or None when this installation lacks it."""
    return _file("samples", SAMPLE_SHEET)


def sample_template() -> Path | None:
    """The template (telecrm-mapping/1) that maps the sample sheet."""
    return _file("samples", SAMPLE_TEMPLATE)


def icon() -> Path | None:
    """The app icon: the SVG where Qt can draw it, else the 256 px PNG."""
    for name in ICON_NAMES:
        found = _file("icons", name)
        if found is not None:
            return found
    return None


def icon_file(name: str) -> Path | None:
    """One icon file by name (e.g. `telecrm-desktop.ico`)."""
    return _file("icons", name)
