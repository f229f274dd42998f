"""Sending validated leads to telecrm's Async API: runs, the journal, the engine (pacing, client, wire,
answers, outcomes) and the result files."""
