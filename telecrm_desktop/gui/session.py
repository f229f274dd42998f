"""What the screens share about the import in progress: workspace, file, mapping, check, run.

Plain data plus change signals; the screens read it, workers fill it, nothing here knows rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from telecrm_desktop.core.sources.row_store import RowStore
from telecrm_desktop.gui.settings import app_settings


@dataclass
class WorkspaceSettings:
    enterprise_id: str = ""
    country: str = "IN"
    timezone: str = "Asia/Kolkata"
    budget_share: int = 80  # percent of each token's hourly limit this app may use
    rate_per_hour: int = 18000
    base_url: str = "https://next-api.telecrm.in"  # the Async API root chosen in the app (never the environment's)
    sync_url: str = "https://next.telecrm.in/autoupdate/v2"  # the Sync API root chosen in the app
    use_sandbox: bool = False

    @classmethod
    def load(cls) -> "WorkspaceSettings":
        s = app_settings()
        default = cls()
        return cls(
            enterprise_id=str(s.value("workspace/enterprise_id", default.enterprise_id) or ""),
            country=str(s.value("workspace/country", default.country) or "IN"),
            timezone=str(s.value("workspace/timezone", default.timezone) or "Asia/Kolkata"),
            budget_share=int(s.value("workspace/budget_share", default.budget_share) or 80),
            rate_per_hour=int(s.value("workspace/rate_per_hour", default.rate_per_hour) or 18000),
            # TELECRM_ASYNC_URL / TELECRM_SYNC_URL apply through async_address() / sync_address(),
            # for this launch only: they are never read into what save() writes
            base_url=str(s.value("workspace/base_url", default.base_url) or default.base_url),
            sync_url=str(s.value("workspace/sync_url", default.sync_url) or default.sync_url),
            use_sandbox=str(s.value("workspace/use_sandbox", "false")).lower() == "true",
        )

    def save(self) -> None:
        s = app_settings()
        s.setValue("workspace/enterprise_id", self.enterprise_id)
        s.setValue("workspace/country", self.country)
        s.setValue("workspace/timezone", self.timezone)
        s.setValue("workspace/budget_share", self.budget_share)
        s.setValue("workspace/rate_per_hour", self.rate_per_hour)
        s.setValue("workspace/base_url", self.base_url)
        s.setValue("workspace/sync_url", self.sync_url)
        s.setValue("workspace/use_sandbox", "true" if self.use_sandbox else "false")
        s.sync()

    def async_address(self):
        """The Async API root in use (core.endpoints.ApiAddress): the environment's, else the chosen one."""
        from telecrm_desktop.core.endpoints import async_address

        return async_address(self.base_url)

    def sync_address(self):
        from telecrm_desktop.core.endpoints import sync_address

        return sync_address(self.sync_url)

    @property
    def is_configured(self) -> bool:
        from telecrm_desktop.core.addresses import ENTERPRISE_ID

        return self.use_sandbox or bool(ENTERPRISE_ID.fullmatch(self.enterprise_id.strip()))


@dataclass
class LoadedSheet:
    """The chosen file, sheet and header row, with its data rows kept for review."""

    path: Path
    source: Any  # core SheetSource
    table: Any  # core Table
    rows: RowStore = field(default_factory=RowStore)  # core DataRows in file order, spooled to disk
    complete: bool = False  # all rows read


class ImportSession(QObject):
    workspace_changed = Signal()
    sheet_changed = Signal()  # a new file, sheet or header row
    rows_loaded = Signal()  # the background read finished
    mapping_changed = Signal()
    check_changed = Signal()  # a new validation result
    run_changed = Signal()  # a send started, progressed to an end, or a past run was opened
    schema_changed = Signal()  # the workspace's fields were learnt (or forgotten)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.workspace = WorkspaceSettings.load()
        self.sheet: LoadedSheet | None = None
        self.mapping = None  # core Mapping
        self.template: dict | None = None  # the same mapping in its file form (for fingerprints)
        self.mapping_origin: str | None = None  # "suggested", "template: <path>", "edited"
        self.schema = None  # core Schema when known
        self.edits: dict[int, dict[str, Any]] = {}  # row number -> column -> corrected value
        self.excluded: set[int] = set()  # row numbers the user left out
        self.dropped_values: dict[int, dict[str, str]] = {}  # row -> column -> value sent without (chosen in Review)
        self.check = None  # core SheetCheck (core.check.sheet_check)
        self.run_id: Any = None
        self.run_outcome = None
        self.import_mode = "all"  # all / new / existing (core.send.import_modes)
        self.existing_leads = None  # gui.bridge.existing_leads.ExistingLeads of the current check, once looked up

    def set_schema(self, schema) -> None:
        self.schema = schema
        self.check = None
        self.schema_changed.emit()

    def clear_sheet(self) -> None:
        """The file chosen could not be read: no sheet, no mapping to review."""
        self.sheet = None
        self.mapping = None
        self.check = None
        self.sheet_changed.emit()

    def set_sheet(self, sheet: LoadedSheet) -> None:
        from telecrm_desktop.gui.bridge.disposal import dispose_later

        dispose_later(self.sheet, self.check)  # 100,000 old rows are freed in the background
        self.sheet = sheet
        self.edits.clear()
        self.dropped_values.clear()
        self.excluded.clear()
        self.check = None
        self.sheet_changed.emit()

    def set_mapping(self, mapping, origin: str, template: dict | None = None) -> None:
        self.mapping = mapping
        self.template = template if mapping is not None else None
        self.mapping_origin = origin
        self.check = None
        self.mapping_changed.emit()
