"""Exports (.xlsx) run as background jobs: the row the page polls for progress."""
