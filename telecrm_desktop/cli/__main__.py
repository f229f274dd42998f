import sys

from telecrm_desktop.cli import main

sys.exit(main())
