"""One version, pyproject's: what `--version`, the About text and the bundles show."""

import tomllib
from pathlib import Path

import telecrm_desktop

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def test_version_is_pyprojects():
    version = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]["version"]
    # differs when pyproject changed after `pip install -e .`: reinstall to refresh the metadata
    assert telecrm_desktop.__version__ == version
