"""Reusable widgets, delegates and the look shared by every screen."""
