"""The names of what happened to a lead (and to the rows merged into it); cli.md lists them."""

from __future__ import annotations

INVALID = "invalid"  # held back by validation, never sent
LEFT_OUT = "left out"  # the person left the row out on the app's Review step, never sent
PENDING = "pending"  # waiting to be sent, or not sent because the run stopped
SENDING = "sending"  # journal only: a request may be on its way; resolved at restart
QUEUED = "queued"  # telecrm answered 200 QUEUED
UNCHANGED = "unchanged"  # the same request body was queued for this workspace before
FAILED = "failed"  # telecrm refused it, or retries ran out
UNCERTAIN = "uncertain"  # may have reached telecrm, no answer came, and it carries actions
SKIPPED = "skipped"  # not sent by the import mode (already in telecrm / not in telecrm)

# statuses a finished lead can hold; everything else still needs work
FINAL = frozenset({QUEUED, UNCHANGED, SKIPPED, FAILED, UNCERTAIN})
# statuses that make `send` exit 0
GOOD = frozenset({"ready", QUEUED, UNCHANGED, SKIPPED})
REPORT_ORDER = ("ready", QUEUED, UNCHANGED, SKIPPED, INVALID, FAILED, UNCERTAIN, PENDING)
