"""What telecrm-import prints: progress on standard error, and the one-line summary of a command.

Progress is a bar redrawn in place on a terminal, and a plain line every few seconds otherwise
(logs, CI); a command that finishes within the first interval prints no progress at all.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

# Statuses in the order a summary lists them (cli.md).
STATUS_ORDER = ("ready", "queued", "unchanged", "skipped", "failed", "uncertain", "pending", "invalid")


def plural(count: int, word: str, words: str | None = None) -> str:
    return f"{count:,} {word if count == 1 else (words or word + 's')}"


def summary_line(command: str, counts: dict[str, int], *, always: tuple[str, ...] = (),
                 leads: int | None = None, merged: int | None = None, rows: int | None = None) -> str:
    """'check: 30 rows: 26 ready, 4 invalid; 25 leads (1 merged duplicate)'.

    `counts`: rows per status; statuses with no rows are left out unless named in `always`.
    """
    total = sum(counts.values()) if rows is None else rows
    ordered = [s for s in STATUS_ORDER if s in counts or s in always]
    ordered += sorted(s for s in counts if s not in STATUS_ORDER)
    parts = [f"{counts.get(s, 0):,} {s}" for s in ordered if counts.get(s) or s in always]
    line = f"{command}: {plural(total, 'row')}"
    if parts:
        line += ": " + ", ".join(parts)
    if leads is not None:
        line += f"; {plural(leads, 'lead')}"
        if merged:
            line += f" ({plural(merged, 'merged duplicate')})"
    return line


class Progress:
    """Rows done (and the share of the file, when known) on standard error."""

    def __init__(self, label: str, *, stream: TextIO | None = None, interval: float = 2.0,
                 tty: bool | None = None) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.interval = 0.2 if self.tty else interval
        self.started = time.monotonic()
        self.last = self.started
        self.drawn = False

    def __call__(self, done: int, fraction: float | None = None) -> None:
        now = time.monotonic()
        if now - self.last < self.interval:
            return
        self.last = now
        if self.tty:
            self.stream.write("\r" + self._bar(done, fraction) + "  ")
        else:
            share = f" ({fraction:.0%} of the file)" if fraction is not None else ""
            self.stream.write(f"{self.label}: {done:,} rows{share}, {now - self.started:.0f} s\n")
        self.stream.flush()
        self.drawn = True

    def _bar(self, done: int, fraction: float | None) -> str:
        width = 30
        if fraction is None:
            return f"{self.label} {done:,} rows"
        filled = min(width, int(width * fraction))
        return f"{self.label} [{'#' * filled}{'.' * (width - filled)}] {fraction:4.0%}  {done:,} rows"

    def close(self) -> None:
        """Ends the bar's line, so what follows starts on a fresh one."""
        if self.tty and self.drawn:
            self.stream.write("\n")
            self.stream.flush()


def note(message: str, *, stream: TextIO | None = None) -> None:
    """A remark on standard error that is neither progress nor the summary."""
    print(f"telecrm-import: {message}", file=stream or sys.stderr)
