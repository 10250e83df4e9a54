"""What the spider hands to the pipeline: a parsed page, or a fetch that failed."""

from dataclasses import dataclass


@dataclass
class PageItem:
    """A disclosure page parsed into a record (the keys of ``crawler.parsing.RECORD_KEYS``)."""

    record: dict


@dataclass
class FetchErrorItem:
    """A URL that could not be fetched or read, and why."""

    url: str
    status: int | None
    error: str
