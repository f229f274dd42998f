"""Keeps the window as wide as the person made it: a label whose text grows (a long file name, a
long sentence) wraps or elides within the width it is given instead of widening the window."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QLabel, QSizePolicy


def never_widens(label: QLabel) -> None:
    """The label takes the width its layout gives it and wraps its text there; its own width
    never pushes the window wider (a word longer than the width is cut at the edge)."""
    label.setWordWrap(True)
    policy = label.sizePolicy()  # QLabel keeps height-for-width on while it wraps
    policy.setHorizontalPolicy(QSizePolicy.Policy.Ignored)
    label.setSizePolicy(policy)
    label.setMinimumWidth(0)


class ElidedLabel(QLabel):
    """One line of plain text, cut with "…" to the width it has; the whole text is its tooltip."""

    MIN_WIDTH = 80

    def __init__(self, text: str = "", parent=None):
        super().__init__(parent)
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.setText(text)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt's name
        self._full = text or ""
        self.setToolTip(self._full)
        self._elide()
        self.updateGeometry()

    def full_text(self) -> str:
        return self._full

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        margins = self.contentsMargins()
        width = self.fontMetrics().horizontalAdvance(self._full) + 6 + margins.left() + margins.right()
        return QSize(width, super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(min(self.MIN_WIDTH, self.sizeHint().width()), super().minimumSizeHint().height())

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        metrics, room = self.fontMetrics(), self.contentsRect().width()
        shown = self._full
        if metrics.horizontalAdvance(shown) > room:
            shown = metrics.elidedText(shown, Qt.TextElideMode.ElideMiddle, room)
        super().setText(shown)


def keep_window_width(window) -> None:
    """Applies the above to the labels whose text comes from the file, the run or the workspace:
    file names, paths, sentences that name columns or templates."""
    labels = [
        window.message_bar.label,
        window.open_screen.file_label, window.open_screen.status_label,
        window.map_screen.origin_label, window.map_screen.summary_label,
        window.map_screen.identifier_label, window.map_screen.date_order_note,
        window.review_screen.status_label,
        window.send_screen.plan_label, window.send_screen.rate_label,
        window.results_screen.run_label, window.results_screen.landed_label,
    ]
    for label in labels:
        never_widens(label)
