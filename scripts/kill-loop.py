#!/usr/bin/env python3
"""kill -9 `telecrm-import send` at many random instants, then finish the run: 0 lost, 0 doubled.

    python scripts/kill-loop.py [KILLS] [SEED]

Runs tests/hardening/test_kill_loop.py (the suite runs it with 20 kills) with more kills and,
optionally, a fixed seed to replay a failure.
"""

import os
import subprocess
import sys
from pathlib import Path

kills = sys.argv[1] if len(sys.argv) > 1 else "100"
env = {**os.environ, "TELECRM_HARDENING_KILLS": kills}
if len(sys.argv) > 2:
    env["TELECRM_HARDENING_SEED"] = sys.argv[2]
root = Path(__file__).resolve().parents[1]
sys.exit(subprocess.call([sys.executable, "-m", "pytest", "-q", "-s", "tests/hardening/test_kill_loop.py"],
                         cwd=root, env=env))
