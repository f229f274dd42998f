"""`python -m telecrm_desktop.cli`: the same as the `telecrm-import` command."""

import sys

from telecrm_desktop.cli import main

sys.exit(main())
