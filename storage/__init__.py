"""SQLite schema and access through sqlite-utils."""
