"""The menu bar (File, Edit, View, Help) with each shortcut shown, F1 for help, and Enter for
the step's main button: keyboard use a person can discover from the menus."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView, QAbstractSpinBox, QApplication, QListView, QPushButton, QToolButton,
)


def _action(window, menu, text: str, slot, shortcut=None) -> QAction:
    act = QAction(text, window)
    if shortcut is not None:
        act.setShortcut(QKeySequence(shortcut))
        act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        window.addAction(act)
    act.triggered.connect(lambda _=False: slot())
    menu.addAction(act)
    return act


def _at_step(window, step: int, then) -> None:
    """Goes to `step` and, when the step is open to the person now, does `then`."""
    window.go_to(step)
    if window.current_step() == step:
        then()


def build_menus(window) -> None:
    from telecrm_desktop.gui.steps import MAP, OPEN, RESULTS, REVIEW, STEP_NAMES

    bar = window.menuBar()
    file = bar.addMenu("&File")
    file.addAction(window.open_action)
    window.sample_menu_action = _action(window, file, "Open the &sample sheet",
                                        lambda: _at_step(window, OPEN, window.open_screen.open_sample))
    file.addSeparator()
    window.load_template_action = _action(window, file, "&Load template…",
                                          lambda: _at_step(window, MAP, window.map_screen.load_template))
    file.addAction(window.save_template_action)
    window.export_action = _action(window, file, "&Export result files…",
                                   lambda: _at_step(window, RESULTS, window.results_screen.export_results))
    file.addSeparator()
    file.addAction(window.send_action)
    file.addSeparator()
    window.quit_action = _action(window, file, "&Quit", window.close, "Ctrl+Q")

    edit = bar.addMenu("&Edit")
    # Ctrl+Z is the Review screen's own shortcut (a cell editor keeps it for its text): shown after a tab
    window.undo_fix_action = _action(window, edit, "&Undo fix\tCtrl+Z",
                                     lambda: _at_step(window, REVIEW, window.review_screen.undo_last_fix))
    _action(window, edit, "&Revert to the file's value",
            lambda: _at_step(window, REVIEW, window.review_screen.revert_current_cell))
    edit.addSeparator()
    _action(window, edit, "&Suggest the mapping again",
            lambda: _at_step(window, MAP, lambda: window.map_screen.apply_suggestion(force=True)))
    edit.addSeparator()
    # F8 and Delete belong to the Review screen's own shortcuts; the menu shows them after a tab
    _action(window, edit, "&Next problem\tF8", lambda: _at_step(window, REVIEW, window.review_screen.select_next_problem))
    _action(window, edit, "&Leave out selected rows\tDel",
            lambda: _at_step(window, REVIEW, lambda: window.review_screen.exclude_selected(True)))
    _action(window, edit, "&Put back selected rows",
            lambda: _at_step(window, REVIEW, lambda: window.review_screen.exclude_selected(False)))

    view = bar.addMenu("&View")
    window.step_menu_actions = []
    for i, name in enumerate(STEP_NAMES):  # Alt+1..6 belong to the step bar's buttons
        window.step_menu_actions.append(_action(window, view, f"&{i + 1}  {name}\tAlt+{i + 1}",
                                                lambda i=i: window.go_to(i)))
    view.addSeparator()
    view.addAction(window.next_step_action)
    view.addAction(window.previous_step_action)

    help_menu = bar.addMenu("&Help")
    window.help_action = _action(window, help_menu, "&Help", lambda: show_help(window),
                                 QKeySequence.StandardKey.HelpContents)
    _action(window, help_menu, "&Keyboard shortcuts", lambda: show_help(window, keys=True))
    _action(window, help_menu, "Open the &logs folder", lambda: _open_logs())
    help_menu.addSeparator()
    window.about_action = _action(window, help_menu, "&About telecrm importer", window.show_about)

    def enable_for_state():
        for i, act in enumerate(window.step_menu_actions):
            act.setEnabled(window.step_available(i))
        window.load_template_action.setEnabled(window.step_available(MAP))

    for menu in (file, edit, view, help_menu):
        menu.aboutToShow.connect(enable_for_state)
    window.installEventFilter(EnterPressesPrimary(window))


def show_help(window, keys: bool = False) -> None:
    from telecrm_desktop.gui.help_window import HelpWindow

    if getattr(window, "help_window", None) is None:
        window.help_window = HelpWindow(window)
    window.help_window.show_step(-1 if keys else window.current_step())


def _open_logs() -> None:
    from telecrm_desktop.core.paths import logs_dir

    QDesktopServices.openUrl(QUrl.fromLocalFile(str(logs_dir())))


class EnterPressesPrimary(QObject):
    """Enter that no widget took (a line edit, a table not being edited) presses the step's main
    button, as in a dialog; Enter on a focused push button presses that button; in a list, a
    number box or a cell editor Enter keeps its own meaning."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        # the focus when this Enter began: a cell editor that commits on Enter hands the focus
        # back to its table before the unused key press reaches the window
        self._began_in_editor = False

    def eventFilter(self, obj, event):  # noqa: N802 - Qt's name
        kind = event.type()
        if (obj is not self.window or kind not in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride)
                or event.key() not in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                or event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier):
            return False
        focus = QApplication.focusWidget()
        if kind == QEvent.Type.ShortcutOverride:  # sent to the focus first, before the key press
            self._began_in_editor = focus is not None and _inside_cell_editor(focus)
            return False
        began_in_editor, self._began_in_editor = self._began_in_editor, False
        if event.isAutoRepeat() or began_in_editor:
            return False
        if focus is not None and self.window.isAncestorOf(focus):
            if isinstance(focus, (QPushButton, QToolButton)) and focus is not self.window.primary_button:
                if focus.isEnabled():
                    focus.click()
                return True
            if isinstance(focus, QListView) or _inside_cell_editor(focus):
                return False  # a list's Enter opens its item; an editor's commits the cell
            if isinstance(focus.parentWidget(), QAbstractSpinBox) or isinstance(focus, QAbstractSpinBox):
                return False  # Enter applies the number typed (a header row), it does not move on
        button = self.window.primary_button
        if button.isVisible() and button.isEnabled():
            button.click()
            return True
        return False


def _inside_cell_editor(widget) -> bool:
    """True for a table cell's editor, also in the moment after its Enter closed it (its Enter
    commits the cell, nothing more): a widget on an item view's viewport."""
    child, parent = widget, widget.parentWidget()
    while parent is not None:
        view = parent.parentWidget()
        if isinstance(view, QAbstractItemView) and parent is view.viewport() and child is not parent:
            return True
        child, parent = parent, view
    return False
