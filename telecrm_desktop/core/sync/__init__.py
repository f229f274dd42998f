"""telecrm's Sync API: the workspace's own definition (fields, actions, pipeline, team) and lead/search."""

from .client import (
    DEFAULT_SYNC_URL,
    SyncClient,
    SyncError,
    SyncTokenRefused,
    check_sync_url,
)

__all__ = ["DEFAULT_SYNC_URL", "SyncClient", "SyncError", "SyncTokenRefused", "check_sync_url"]
