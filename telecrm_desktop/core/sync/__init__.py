"""telecrm's Sync API: the workspace's own definition (fields, actions, pipeline, team) and lead/search."""

from .client import (
    DEFAULT_SYNC_URL,
    SyncClient,
    SyncError,
    SyncTokenRefused,
    check_sync_url,
)
from .landed import FieldDifference, LandedReport, LeadCheck, choose_sample, verify_landed

__all__ = [
    "DEFAULT_SYNC_URL",
    "FieldDifference",
    "LandedReport",
    "LeadCheck",
    "SyncClient",
    "SyncError",
    "SyncTokenRefused",
    "check_sync_url",
    "choose_sample",
    "verify_landed",
]
