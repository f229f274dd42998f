"""Entry of the bundled desktop app: PyInstaller runs this file as __main__ (see build.spec)."""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()  # a frozen child process must not start a second window
    from telecrm_desktop.gui.app import main

    sys.exit(main())
