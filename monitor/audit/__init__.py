"""Auditing a crawl: counts, working-day timeliness, data-quality findings, the annual
report's claims reconciled with what the portal shows."""

# The working-day limits checked when none are given (audit, report, alerts): the annual
# reports' own 15 working days and the statutory 20.
DEFAULT_LIMITS = (15, 20)
