"""Auditing a crawl: counts, working-day timeliness, data-quality findings, the annual
report's claims reconciled with what the portal shows."""
