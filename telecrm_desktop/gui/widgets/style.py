"""Colours and fonts derived from the system palette, so light and dark themes both read well.

Problem colours are semi-transparent over the base colour: a red wash on white is pink, on
near-black it is a dark red, and the text keeps the palette's own contrast either way.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QWidget

ERROR_WASH = QColor(230, 40, 40, 70)
WARNING_WASH = QColor(240, 170, 0, 80)
EXCLUDED_WASH = QColor(128, 128, 128, 60)
EDITED_WASH = QColor(40, 120, 230, 55)
OK_WASH = QColor(40, 170, 90, 60)


def is_dark(palette: QPalette | None = None) -> bool:
    palette = palette or QApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def status_colour(kind: str) -> QColor:
    """A readable foreground for a status word on the palette's base colour."""
    dark = is_dark()
    colours = {
        "error": QColor("#ff7b72") if dark else QColor("#b3261e"),
        "warning": QColor("#e3b341") if dark else QColor("#8a5a00"),
        "ok": QColor("#56d364") if dark else QColor("#1a7f37"),
        "info": QApplication.palette().color(QPalette.ColorRole.Link),
    }
    return colours.get(kind, QApplication.palette().color(QPalette.ColorRole.Text))


def title_font(widget: QWidget, scale: float = 1.45) -> QFont:
    font = QFont(widget.font())
    font.setPointSizeF(font.pointSizeF() * scale)
    font.setWeight(QFont.Weight.DemiBold)
    return font


def muted_colour() -> QColor:
    return QApplication.palette().color(QPalette.ColorRole.PlaceholderText)


# Application-wide touches; colours come from palette() so the system theme still rules.
APP_STYLESHEET = """
QToolButton#step { border: none; padding: 6px 10px; border-radius: 14px; }
QToolButton#step:checked { background: palette(highlight); color: palette(highlighted-text); }
QToolButton#step:hover:!checked { background: palette(midlight); }
QToolButton#step:disabled { color: palette(placeholder-text); }
QFrame#stepBar { border-bottom: 1px solid palette(mid); }
QFrame#footer { border-top: 1px solid palette(mid); }
QFrame#tile { border: 1px solid palette(mid); border-radius: 8px; background: palette(base); }
QFrame#card { border: 1px solid palette(mid); border-radius: 8px; }
QFrame#messageBar { border-radius: 6px; padding: 2px; }
QPushButton#primary { padding: 6px 18px; font-weight: 600; }
QTableView { gridline-color: palette(midlight); }
"""
