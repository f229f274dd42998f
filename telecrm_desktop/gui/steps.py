"""The six steps of the window, left to right: their numbers (the stacked screens' indexes) and
names. Apart from main_window so that the menus and the send signs can name a step without
importing the window that imports them."""

WORKSPACE, OPEN, MAP, REVIEW, SEND, RESULTS = range(6)
STEP_NAMES = ["Workspace", "Open file", "Map columns", "Review", "Send", "Results"]
