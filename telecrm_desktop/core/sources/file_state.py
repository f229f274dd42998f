"""Noticing a file that disappears or changes while it is being read."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from telecrm_desktop.core.sources.table import SourceError


@dataclass(frozen=True)
class FileState:
    size: int
    modified_ns: int

    @classmethod
    def of(cls, path: Path) -> "FileState":
        try:
            info = os.stat(path)
        except FileNotFoundError:
            raise SourceError(f"{path.name} disappeared while it was being read; check where it went and open it again.") from None
        except OSError as error:
            raise SourceError(f"{path.name} cannot be read: {error.strerror or error}.") from None
        return cls(info.st_size, info.st_mtime_ns)

    def check_unchanged(self, path: Path) -> None:
        """Raise when the file on disk is no longer the one that was opened."""
        if FileState.of(path) != self:
            raise SourceError(
                f"{path.name} changed while it was being read; wait until it is saved and closed, then open it again."
            )
