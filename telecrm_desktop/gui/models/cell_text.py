"""Cell text as a person reads it, and spreadsheet column letters, for the views."""

from __future__ import annotations

from telecrm_desktop.core.convert.text import cell_text  # noqa: F401 - one rule, one place
from telecrm_desktop.core.sources.header import column_letter  # noqa: F401
