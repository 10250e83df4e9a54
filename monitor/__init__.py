"""Audit, calendar, claims, alerts, scheduling and the govwatch CLI."""
