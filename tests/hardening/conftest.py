"""Hardening tests share the sending tests' sandbox fixture and helpers."""

from tests.send.conftest import start_sandbox  # noqa: F401  (a fixture, used by name)
