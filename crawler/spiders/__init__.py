"""Spiders, one per site layout."""
