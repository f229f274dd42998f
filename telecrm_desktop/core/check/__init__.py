"""Checking a sheet: rows -> findings -> merged leads -> report and payloads."""
