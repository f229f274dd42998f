"""Entry of the bundled command line `telecrm-import` (see build.spec)."""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from telecrm_desktop.cli import main

    sys.exit(main())
