"""The help window (F1): how each step works and every keyboard shortcut, opened at the step on
screen. It ships inside the app, so it works offline and in the installed bundle."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout

STEP_HELP = [
    ("workspace", "1  Workspace",
     "Enter your enterprise ID (24 characters, from telecrm's Settings → Website and API page) and add "
     "up to three Async tokens; they are kept in this computer's keyring and shown only by their last "
     "characters. A Sync token lets the app learn your workspace's own fields, statuses and team. "
     "Or choose the sandbox: a practice workspace on this computer, nothing is sent anywhere."),
    ("open", "2  Open file",
     "Choose an Excel (.xlsx, .xlsm, .xls), OpenDocument (.ods) or CSV file, or drop it on the window. "
     "The sheet with the data, the header row, the encoding and the delimiter are detected; change "
     "them if the preview looks wrong."),
    ("map", "3  Map columns",
     "Each column gets a target in telecrm (Send to), or is ignored. Type in a Send to cell to search "
     "the workspace's fields. The date order (DMY, MDY, YMD) says how dates written as text are read; "
     "it is set from the file's own dates when they leave no doubt. Save the mapping as a template: "
     "a file with the same columns gets it again."),
    ("review", "4  Review",
     "Every row as telecrm would receive it. Red cells would be dropped or refused, with the reason. "
     "Fix a cell in place (double-click), or leave rows out. F8 jumps to the next problem."),
    ("send", "5  Send",
     "Leads are sent under each token's rate limit, at the share of it chosen on the Workspace step. "
     "Pause, or cancel and continue later: nothing is sent twice. You may go to other steps meanwhile; "
     "the bar at the bottom shows the send running, and a desktop notification says when a long send ends."),
    ("results", "6  Results",
     "What happened to every row, result files to open in Excel, a workbook of the rows that need "
     "attention, retry of failed leads and past runs."),
]


def shortcut_rows(window) -> list[tuple[str, str]]:
    """(what, keys) for every menu action with a shortcut, as the menus show them."""
    rows: list[tuple[str, str]] = []
    for menu_action in window.menuBar().actions():
        for action in menu_action.menu().actions():
            keys = action.shortcut().toString(action.shortcut().SequenceFormat.NativeText)
            text = action.text()
            if "\t" in text:  # a key another widget owns, shown in the menu only
                text, keys = text.split("\t", 1)
            if keys:
                rows.append((text.replace("&", "").rstrip("…"), keys))
    rows.append(("Press the step's main button", "Enter"))
    return rows


def help_html(window) -> str:
    parts = ["<h2>telecrm importer</h2><p>Six steps, left to right. The main button at the bottom "
             "right (or Enter) moves on; Back returns.</p>"]
    for anchor, title, text in STEP_HELP:
        parts.append(f"<h3><a name='{anchor}'></a>{html.escape(title)}</h3><p>{html.escape(text)}</p>")
    parts.append("<h3><a name='keys'></a>Keyboard</h3><table cellpadding='3'>")
    for what, keys in shortcut_rows(window):
        parts.append(f"<tr><td>{html.escape(what)}</td><td><b>{html.escape(keys)}</b></td></tr>")
    parts.append("</table>")
    return "".join(parts)


class HelpWindow(QDialog):
    """Not modal: it can stay open beside the step it explains."""

    def __init__(self, window):
        super().__init__(window)
        self.setObjectName("helpWindow")
        self.setWindowTitle("telecrm importer help")
        self.resize(620, 560)
        layout = QVBoxLayout(self)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(True)
        self.browser.setHtml(help_html(window))
        layout.addWidget(self.browser)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout.addWidget(buttons)

    def show_step(self, step: int) -> None:
        self.browser.scrollToAnchor(STEP_HELP[step][0] if 0 <= step < len(STEP_HELP) else "keys")
        self.show()
        self.raise_()
        self.activateWindow()
