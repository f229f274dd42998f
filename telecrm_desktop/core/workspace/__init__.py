"""The telecrm workspace: its schema, the cached copy, its rules, the Sync API."""
