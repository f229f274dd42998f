"""Small building blocks every screen shares: page header, message bar, counter tile, screen base."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QFrame, QHBoxLayout, QLabel, QProgressBar, QToolButton, QVBoxLayout, QWidget,
)

from telecrm_desktop.gui.widgets import style


def after_paint(context, slot) -> None:
    """Runs `slot` (unless the QObject `context` is gone by then) in a later turn of the event loop than the paint already pending.

    Qt posts a window's paint (UpdateRequest) at low priority, so a zero-delay single shot, a
    queued call, runs before it in the same turn: screen, layout, paint and the deferred work
    would still add up to one stall. A 1 ms timer fires only after the pending posted events,
    the paint among them, have been handled.
    """
    QTimer.singleShot(1, context, slot)


def titled_card(title: str, margins: tuple[int, int, int, int] | None = None) -> tuple[QFrame, QVBoxLayout]:
    """A framed panel with a bold title; returns the panel and the layout to fill below the title."""
    card = QFrame()
    card.setObjectName("card")
    box = QVBoxLayout(card)
    if margins is not None:
        box.setContentsMargins(*margins)
    box.addWidget(QLabel(f"<b>{title}</b>"))
    return card, box


class Screen(QWidget):
    """One step of the flow. The main window asks it for the footer's button text and state."""

    # the primary button's label or enabled state changed
    footer_changed = Signal()
    # the screen wants to move on (e.g. after a double click); the window decides
    advance_requested = Signal()
    # a sentence the window shows in its message bar: (kind, text), kind "error"|"warning"|"info"
    message = Signal(str, str)

    title = ""
    subtitle = ""

    def primary_text(self) -> str:
        return "Continue"

    def primary_enabled(self) -> bool:
        return True

    def on_enter(self) -> None:
        """Called each time the screen is shown."""

    def views_painted_later(self) -> list[QWidget]:
        """Tables whose cells the window paints one turn after the rest of the screen (each cell is
        a call into Python): the screen's layout and first paint, then its tables, never add up
        to one long stall when the screen is entered."""
        return []

    def on_primary(self) -> bool:
        """The primary button was pressed; return True to move to the next step."""
        return True


def page_header(screen: Screen) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 6)
    layout.setSpacing(2)
    title = QLabel(screen.title)
    title.setFont(style.title_font(title))
    title.setAccessibleName(screen.title)
    layout.addWidget(title)
    if screen.subtitle:
        sub = QLabel(screen.subtitle)
        sub.setWordWrap(True)
        pal = sub.palette()
        pal.setColor(QPalette.ColorRole.WindowText, style.muted_colour())
        sub.setPalette(pal)
        layout.addWidget(sub)
    return box


class Banner(QFrame):
    """A washed strip above the screens: a sentence, buttons of its own, and ✕ to put it away."""

    def __init__(self, object_name: str, close_tip: str, parent=None):
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setAutoFillBackground(True)
        self._row = QHBoxLayout(self)
        self._row.setContentsMargins(10, 6, 6, 6)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self._row.addWidget(self.label, 1)
        close = QToolButton()
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip(close_tip)
        close.clicked.connect(self.hide)
        self._row.addWidget(close)
        self.hide()

    def add_button(self, button: QWidget) -> None:
        """A button of the banner's own, placed before its ✕."""
        self._row.insertWidget(self._row.count() - 1, button)

    def wash(self, colour: QColor) -> None:
        pal = self.palette()
        pal.setColor(QPalette.ColorRole.Window, _blend(pal.color(QPalette.ColorRole.Window), colour))
        self.setPalette(pal)


class MessageBar(Banner):
    """A dismissible sentence above the screens: errors the user must see, never a traceback."""

    def __init__(self, parent=None):
        super().__init__("messageBar", "Dismiss", parent)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.kind = ""

    def show_message(self, kind: str, text: str) -> None:
        self.kind = kind
        self.wash({"error": style.ERROR_WASH, "warning": style.WARNING_WASH}.get(kind, style.EDITED_WASH))
        self.label.setText(text)
        self.show()


def _blend(base: QColor, wash: QColor) -> QColor:
    a = wash.alphaF()
    return QColor(
        round(base.red() * (1 - a) + wash.red() * a),
        round(base.green() * (1 - a) + wash.green() * a),
        round(base.blue() * (1 - a) + wash.blue() * a),
    )


class CounterTile(QFrame):
    """A number with a caption: ready 1,204 / invalid 17 / queued 980 ..."""

    def __init__(self, caption: str, kind: str = "", parent=None):
        super().__init__(parent)
        self.setObjectName("tile")
        self.kind = kind
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(0)
        self.number = QLabel("–")
        self.number.setFont(style.title_font(self.number, 1.6))
        if kind:
            pal = self.number.palette()
            pal.setColor(QPalette.ColorRole.WindowText, style.status_colour(kind))
            self.number.setPalette(pal)
        self.caption = QLabel(caption)
        pal = self.caption.palette()
        pal.setColor(QPalette.ColorRole.WindowText, style.muted_colour())
        self.caption.setPalette(pal)
        layout.addWidget(self.number)
        layout.addWidget(self.caption)
        self.setAccessibleName(caption)

    def set_value(self, value: int | None) -> None:
        self.number.setText("–" if value is None else f"{value:,}")

    def value(self) -> int | None:
        text = self.number.text().replace(",", "")
        return int(text) if text.isdigit() else None


def compact_table(view, *, row_numbers: bool = True) -> None:
    """One text line per row at a fixed height: tidy, and the view never measures every row."""
    from PySide6.QtWidgets import QHeaderView

    view.setWordWrap(False)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    header = view.verticalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    header.setDefaultSectionSize(view.fontMetrics().height() + 10)
    header.setVisible(row_numbers)
    view.horizontalHeader().setHighlightSections(False)
    view.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)


PROGRESS_REFRESH_MS = 100  # at most ten progress repaints a second


class QuietProgressBar(QProgressBar):
    """A progress bar that never paints synchronously and coalesces its updates.

    QProgressBar.setValue calls repaint(), which paints every dirty widget of the window at once
    (a table's cells are Python calls that wait for a busy worker's turn on the interpreter lock).
    Here `show_progress` only records the value; a timer applies the latest one at most ten times
    a second, with updates disabled around setValue so Qt schedules an ordinary paint instead.
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self._pending: tuple[int, int, int] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PROGRESS_REFRESH_MS)
        self._timer.timeout.connect(self._apply)

    def show_progress(self, value: int, maximum: int, minimum: int = 0) -> None:
        self._pending = (minimum, maximum, value)
        if not self._timer.isActive():
            self._timer.start()

    def setValue(self, value: int) -> None:  # noqa: N802 - Qt's name
        self._pending = None  # an explicit value wins over one still waiting
        self._set_quietly(self.minimum(), self.maximum(), value)

    def setRange(self, minimum: int, maximum: int) -> None:  # noqa: N802 - Qt's name
        self._pending = None
        super().setRange(minimum, maximum)

    def _apply(self) -> None:
        if self._pending is not None:
            self._set_quietly(*self._pending)
            self._pending = None

    def _set_quietly(self, minimum: int, maximum: int, value: int) -> None:
        if (minimum, maximum, value) == (self.minimum(), self.maximum(), self.value()):
            return
        enabled = self.updatesEnabled()
        self.setUpdatesEnabled(False)  # repaint() is a no-op while updates are off
        try:
            if (minimum, maximum) != (self.minimum(), self.maximum()):
                super().setRange(minimum, maximum)
            super().setValue(value)
        finally:
            self.setUpdatesEnabled(enabled)  # turning them on again schedules an update()
        if enabled:
            self.update()


def duration_text(seconds: float) -> str:
    """A duration as the Send step says it: "42 s", "3 min 05 s", "2 h 10 min"."""
    seconds = int(max(0, seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"
