"""The committed icons (telecrm_desktop/assets/icons) are the ones resources/icons/make_icons.py draws, in every size it lists."""

from __future__ import annotations

import importlib.util
import struct
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ICONS = ROOT / "telecrm_desktop" / "assets" / "icons"


def _load_make_icons():
    spec = importlib.util.spec_from_file_location("make_icons", ROOT / "resources" / "icons" / "make_icons.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_icons = _load_make_icons()


def test_svg_is_what_the_script_draws():
    committed = (ICONS / f"{make_icons.NAME}.svg").read_text(encoding="utf-8")
    assert committed == make_icons.svg_text(), "run `make icons` and commit telecrm_desktop/assets/icons/"


@pytest.mark.parametrize("size", make_icons.PNG_SIZES)
def test_png_has_its_size(size):
    data = (ICONS / f"{make_icons.NAME}-{size}.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk comes first
    assert (width, height) == (size, size)


def test_ico_holds_every_windows_size():
    data = (ICONS / f"{make_icons.NAME}.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind) == (0, 1)
    # each directory entry starts with width and height bytes; 0 stands for 256
    sizes = {data[6 + 16 * i] or 256 for i in range(count)}
    assert sizes == set(make_icons.ICO_SIZES)


def test_icns_is_complete():
    data = (ICONS / f"{make_icons.NAME}.icns").read_bytes()
    magic, length = struct.unpack(">4sI", data[:8])
    assert magic == b"icns" and length == len(data)
    # the 512 and 1024 px members (ic09, ic10) are the ones Finder and the Dock show
    assert b"ic09" in data and b"ic10" in data
