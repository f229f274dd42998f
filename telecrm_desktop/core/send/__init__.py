"""Sending validated leads to telecrm's Async API: client, pacing, engine, outcomes."""
