"""Templates the user saved from this app, kept in the data folder so one that fits a new file's
headers can be offered automatically. The file format and its rules belong to core.template.mapping."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

from telecrm_desktop.gui.settings import data_dir

log = logging.getLogger(__name__)


def templates_dir() -> Path:
    folder = data_dir() / "templates"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def library_path(name: str) -> Path:
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "template"
    return templates_dir() / f"{slug}.json"


def beside(sheet: Path) -> Path:
    """`Expo.xlsx` -> `Expo.mapping.json` in the same folder: a template kept with its sheet."""
    return sheet.with_name(sheet.stem + ".mapping.json")


def matching_template(headers: list[str], sheet: Path | None = None) -> tuple[Path, dict] | None:
    """A template that fits `headers` (every column it maps is present): the one kept beside the
    sheet first, else the saved one mapping the most columns."""
    present = set(headers)
    best: tuple[int, Path, dict] | None = None
    candidates = sorted(templates_dir().glob("*.json"))
    if sheet is not None and beside(sheet).is_file():
        candidates.insert(0, beside(sheet))
    for path in candidates:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            log.warning("skipping unreadable template %s", path)
            continue
        columns = set((data.get("columns") or {}).keys())
        for spec in (data.get("combined") or {}).values():
            columns.update(spec.get("columns") or [])
        if columns and columns <= present:
            if sheet is not None and path == beside(sheet):
                return path, data
            if best is None or len(columns) > best[0]:
                best = (len(columns), path, data)
    return (best[1], best[2]) if best else None
