"""The sample portal's content and the answers an audit of it should find.

``build_portal(seed, day)`` is a pure function: the same arguments give the same
documents, byte for byte. The site's shape (columns, publishers, counts per year) is in
``catalogue``; this module fills it with documents and plants timeliness and
data-quality defects at known rates (see ``_plant_*``). ``ground_truth(seed, day)``
then counts what the pages show, never by hand. The committed ``ground_truth.json`` is
its output for the default seed; regenerate it with::

    python -m crawler.sample_portal.model > crawler/sample_portal/ground_truth.json
"""

import datetime as dt
import json
import random
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files

from monitor.workdays import add_workdays, is_workday, workdays_between

from . import wording
from .catalogue import (ANNUAL_REPORT_PUBLISHED, ANNUAL_REPORT_TITLE, COLUMNS, COUNTS, DOCNO_PREFIX,
                        EPOCH, NEWS_COLUMN, OWNER, PAGE_SIZE, PUBLISHERS, ROOT, SEED, Column)

# Delays in working days for documents published on time, small ones most common.
_NORMAL_DELAYS = tuple(range(15))
_NORMAL_WEIGHTS = (12, 14, 13, 12, 10, 9, 7, 6, 5, 4, 3, 2, 2, 1, 1)
# Publication windows just after the 2020 Spring Festival break and National Day, where a
# Monday-to-Friday count and the official calendar disagree.
_HOLIDAY_WINDOWS = ((dt.date(2020, 2, 3), dt.date(2020, 2, 14), 12, (8, 18)),
                    (dt.date(2020, 10, 9), dt.date(2020, 10, 20), 8, (5, 17)))


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file linked from a document, served through VSB's download endpoint."""

    file_id: int
    name: str
    document_id: int

    @property
    def url(self) -> str:
        return (f"/system/_content/download.jsp?urltype=news.DownloadAttachUrl"
                f"&owner={OWNER}&wbfileid={self.file_id}")


@dataclass(slots=True)
class Document:
    """A disclosure document; built by ``build_portal`` and never changed afterwards.

    ``formed`` is the formation date and ``formed_source`` where a reader can find it:
    ``"metadata"`` (a 成文日期 cell), ``"body"`` (the signature on the body's last line,
    in ``signature`` style ``"arabic"`` or ``"chinese"``) or ``None`` (nowhere: unknown).
    """

    column: Column
    title: str
    published: dt.date
    publisher: str
    id: int = 0
    index_number: str = ""
    docno: str = ""
    category: str = ""
    formed: dt.date | None = None
    formed_source: str | None = None
    signature: str = ""
    paragraphs: tuple[str, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    encoding: str = "utf-8"
    markdown: str = ""
    # the publisher whose index-number sequence the document belongs to, even when
    # the page shows no publisher
    issuer: str = field(default="", repr=False)

    @property
    def url(self) -> str:
        return f"/info/{self.column.cid}/{self.id}.htm"


@dataclass(frozen=True, slots=True)
class NewsItem:
    """A plain news article outside the disclosure section (no metadata grid)."""

    id: int
    title: str
    published: dt.date
    paragraphs: tuple[str, ...]

    @property
    def url(self) -> str:
        return f"/info/{NEWS_COLUMN}/{self.id}.htm"


class Portal:
    """The whole site as of ``EPOCH + day``, with lookups the server needs."""

    def __init__(self, seed: int, day: int, documents: list[Document], news: list[NewsItem]):
        self.seed, self.day = seed, day
        self.columns = COLUMNS
        self.documents = tuple(documents)
        self.news = tuple(news)
        self.by_id = {doc.id: doc for doc in documents}
        self.news_by_id = {item.id: item for item in news}
        self.attachments = {a.file_id: a for doc in documents for a in doc.attachments}
        self.columns_by_slug = {column.slug: column for column in COLUMNS}
        newest_first = sorted(documents, key=lambda d: (d.published, d.id), reverse=True)
        self.listings = {c.slug: tuple(d for d in newest_first if d.column is c) for c in COLUMNS}

    def page_count(self, slug: str) -> int:
        """Listing pages of a column (at least one, even when empty)."""
        return max(1, -(-len(self.listings[slug]) // PAGE_SIZE))


@lru_cache(maxsize=4)
def build_portal(seed: int = SEED, day: int = 0) -> Portal:
    """The site generated from ``seed`` as it stands ``day`` days after ``EPOCH``."""
    if day != 0:
        raise NotImplementedError("time advancing (new, edited, removed documents) is not built yet")
    rng = random.Random(seed)
    docs = _draft_documents(rng)
    docs.append(_annual_report())
    # VSB article ids grow with publication; ties keep drafting order.
    docs.sort(key=lambda d: d.published)
    for number, doc in enumerate(docs, start=10001):
        doc.id = number
    regular = [d for d in docs if not d.markdown]
    for year in COUNTS:
        _plant_timeliness(rng, [d for d in regular if d.published.year == year])
    _plant_index_numbers(rng, docs, regular)
    _plant_publishers_and_extras(rng, docs, regular)
    return Portal(seed, day, docs, _news(rng))


def _draft_documents(rng: random.Random) -> list[Document]:
    """Documents with column, title, date and publisher; everything else comes later."""
    docs = []
    for year, per_column in COUNTS.items():
        days = _year_days(year)
        workdays = [d for d in days if is_workday(d)]
        for column in COLUMNS:
            for _ in range(per_column.get(column.slug, 0)):
                # Most items go out on working days; a few on weekends and holidays.
                published = rng.choice(workdays if rng.random() < 0.97 else days)
                publisher = rng.choice(column.publishers)
                title = wording.title_for(rng, column.slug, published, publisher)
                docs.append(Document(column, title, published, publisher, issuer=publisher,
                                     paragraphs=tuple(wording.paragraphs(rng))))
    return docs


def _annual_report() -> Document:
    column = next(c for c in COLUMNS if c.slug == "xxgknb")
    text = files(__package__).joinpath("annual_report_2020.md").read_text(encoding="utf-8")
    publisher = column.publishers[0]
    return Document(column, ANNUAL_REPORT_TITLE, ANNUAL_REPORT_PUBLISHED, publisher, issuer=publisher,
                    category=column.category, markdown=text)


def _year_days(year: int) -> list[dt.date]:
    start = dt.date(year, 1, 1)
    return [start + dt.timedelta(days=i) for i in range((dt.date(year + 1, 1, 1) - start).days)]


def _plant_timeliness(rng: random.Random, docs: list[Document]) -> None:
    """Give one year's documents formation dates, delays and where the date is shown.

    About 10% get no formation date anywhere. Of the rest, fixed sets are late against
    the report's 15 working days (16–20), late against the statutory 20 (21–40),
    exactly on the limits (15 and 20, not late), and published before formation.
    """
    n = len(docs)
    pool = rng.sample(docs, n)
    unknown = round(0.10 * n)
    planted = ([rng.randint(-3, -1) for _ in range(max(2, round(0.003 * n)))]
               + [rng.randint(21, 40) for _ in range(max(3, round(0.012 * n)))]
               + [rng.randint(16, 20) for _ in range(max(5, round(0.03 * n)))]
               + [15, 15, 20, 20])
    known = pool[unknown:]
    delays = {id(doc): delay for doc, delay in zip(known, planted)}
    plain = known[len(planted):]
    for start, end, count, (low, high) in _HOLIDAY_WINDOWS:
        window = [d for d in plain if start <= d.published <= end]
        for doc in rng.sample(window, min(count, len(window))):
            delays[id(doc)] = rng.randint(low, high)
    for doc in known:
        delay = delays.get(id(doc))
        if delay is None:
            delay = rng.choices(_NORMAL_DELAYS, _NORMAL_WEIGHTS)[0]
        doc.formed = _formed_for(doc.published, delay)
        if rng.random() < 0.5:
            doc.formed_source = "metadata"
        else:
            doc.formed_source = "body"
            doc.signature = "chinese" if rng.random() < 0.35 else "arabic"


def _formed_for(published: dt.date, delay: int) -> dt.date:
    """The latest formation date that makes publication ``delay`` working days late.

    A negative delay means formation ``-delay`` working days after publication.
    """
    if delay < 0:
        return add_workdays(published, -delay)
    formed = published
    # Walk back over the working days in (formed, published] until there are ``delay``.
    while delay > 0:
        delay -= is_workday(formed)
        formed -= dt.timedelta(days=1)
    return formed


def _plant_index_numbers(rng: random.Random, docs: list[Document], regular: list[Document]) -> None:
    """Number documents ``<orgcode>/<year>-<serial>``, serials per issuer and year.

    Planted defects: ~1% carry the previous year in the index number, two reuse the
    number of the document numbered just before them, two sequences skip serials.
    """
    mismatched = set(map(id, rng.sample(regular, round(0.01 * len(regular)))))
    duplicates = rng.sample([d for d in regular if id(d) not in mismatched], 2)
    sequences: dict[tuple[str, int], list[Document]] = {}
    for doc in docs:
        year = doc.published.year - (id(doc) in mismatched)
        sequences.setdefault((PUBLISHERS[doc.issuer], year), []).append(doc)
    long_ones = sorted(key for key, seq in sequences.items() if len(seq) >= 20)
    gapped = {key: rng.randint(5, 15) for key in rng.sample(long_ones, 2)}
    dup_ids = set(map(id, duplicates))
    for (org, year), seq in sorted(sequences.items()):
        serial, previous, gap_at = 0, None, gapped.get((org, year))
        for position, doc in enumerate(seq):
            if id(doc) in dup_ids and previous is not None:
                doc.index_number = previous
                continue
            serial += 1
            if gap_at is not None and position >= gap_at:
                serial += rng.randint(1, 3)
                gap_at = None
            doc.index_number = previous = f"{org}/{year}-{serial:07d}"


def _plant_publishers_and_extras(rng: random.Random, docs: list[Document], regular: list[Document]) -> None:
    """Document numbers, categories, attachments, GBK pages and two blank publishers."""
    for doc in rng.sample(regular, 2):
        doc.publisher = ""
    for doc in rng.sample(regular, round(0.05 * len(regular))):
        doc.encoding = "gbk"
    docno_serials: dict[tuple[str, int], int] = {}
    next_file = 200001
    for doc in docs:
        if doc.column.slug == "zcwj" or (doc.column.slug == "tzgg" and rng.random() < 0.3):
            key = (doc.issuer, doc.published.year)
            docno_serials[key] = docno_serials.get(key, 0) + 1
            doc.docno = f"{DOCNO_PREFIX[doc.issuer]}〔{key[1]}〕{docno_serials[key]}号"
        if not doc.category and rng.random() < 0.7:
            doc.category = doc.column.category
        if doc.markdown:
            names = [f"{doc.title}.pdf"]
        elif rng.random() < 0.15:
            names = [f"附件{k}：{doc.title[:18]}.pdf" for k in range(1, rng.choice((1, 1, 1, 2)) + 1)]
        else:
            names = []
        doc.attachments = tuple(Attachment(next_file + k, name, doc.id) for k, name in enumerate(names))
        next_file += len(names)
        if rng.random() < 0.15:
            # A date in the middle of the body that is not the signature.
            middle = list(doc.paragraphs)
            middle.insert(1, wording.effective_sentence(doc.published + dt.timedelta(days=rng.randint(0, 30))))
            doc.paragraphs = tuple(middle)


def _news(rng: random.Random) -> list[NewsItem]:
    start = EPOCH - dt.timedelta(days=60)
    items = []
    for k in range(10):
        published = start + dt.timedelta(days=6 * k)
        title = "经开区" + wording.title_for(rng, "gzdt", published, "")
        items.append(NewsItem(9001 + k, title, published, tuple(wording.paragraphs(rng))))
    return items


# The limits the audit checks: the report's own 15 working days and the statutory 20.
LIMITS = (15, 20)
_INDEX = re.compile(r"(?P<org>[^/]+)/(?P<year>\d{4})-(?P<serial>\d+)")


def ground_truth(seed: int = SEED, day: int = 0) -> dict:
    """Counts over the whole site of ``(seed, day)``; years are string keys, as in JSON.

    ``by_year_column[year][name]`` counts documents under every column whose path
    contains ``name`` (so 重点领域信息公开 sums its sub-columns). ``timeliness`` is per
    publication year: ``late[limit]`` counts delays greater than the limit (so late
    against 20 are also late against 15), ``negative`` those published before formation.
    ``by_publisher`` keys the blank 发布机构 as "".
    """
    portal = build_portal(seed, day)
    docs = portal.documents
    years = sorted({str(d.published.year) for d in docs})
    names = list(dict.fromkeys(name for c in portal.columns for name in c.path if name != ROOT))
    index_counts = Counter(d.index_number for d in docs)
    return {
        "seed": portal.seed,
        "day": portal.day,
        "documents": len(docs),
        "detail_pages": len(docs),
        "listing_pages": sum(portal.page_count(c.slug) for c in portal.columns),
        "news_pages": len(portal.news),
        "by_year": _sorted(Counter(str(d.published.year) for d in docs)),
        "by_column": {c.breadcrumb: len(portal.listings[c.slug]) for c in portal.columns},
        "by_publisher": _sorted(Counter(d.publisher for d in docs)),
        "by_year_column": {
            year: {name: sum(1 for d in docs if str(d.published.year) == year and name in d.column.path)
                   for name in names}
            for year in years},
        "attachments": sum(len(d.attachments) for d in docs),
        "gbk_pages": sum(1 for d in docs if d.encoding == "gbk"),
        "timeliness": {year: _timeliness([d for d in docs if str(d.published.year) == year]) for year in years},
        "index_year_mismatch": sum(1 for d in docs if _INDEX.fullmatch(d.index_number)["year"] != str(d.published.year)),
        "duplicate_index_numbers": sum(1 for n in index_counts.values() if n > 1),
        "serial_gaps": _serial_gaps(index_counts),
        "missing_publisher": sum(1 for d in docs if not d.publisher),
    }


def _sorted(counter: Counter) -> dict:
    return dict(sorted(counter.items()))


def _timeliness(docs) -> dict:
    known = [d for d in docs if d.formed is not None]
    delays = [workdays_between(d.formed, d.published) for d in known]
    return {
        "checked": len(known),
        "unknown": len(docs) - len(known),
        "late": {str(limit): sum(1 for delay in delays if delay > limit) for limit in LIMITS},
        "negative": sum(1 for delay in delays if delay < 0),
        "created_on_source": {source: sum(1 for d in known if d.formed_source == source)
                              for source in ("metadata", "body")},
    }


def _serial_gaps(index_counts: Counter) -> int:
    """Places where an organisation-year sequence (starting at 1) skips serials."""
    serials: dict[tuple[str, str], set[int]] = {}
    for number in index_counts:
        match = _INDEX.fullmatch(number)
        serials.setdefault((match["org"], match["year"]), set()).add(int(match["serial"]))
    return sum(1 for found in serials.values()
               for before, after in zip([0, *sorted(found)], sorted(found)) if after - before > 1)


def render(truth: dict) -> str:
    """The JSON text as committed: UTF-8 readable, two-space indent, final newline."""
    return json.dumps(truth, ensure_ascii=False, indent=2) + "\n"


def load_ground_truth() -> dict:
    """The committed ground truth of the default sample portal (no generation needed)."""
    return json.loads(files(__package__).joinpath("ground_truth.json").read_text(encoding="utf-8"))


if __name__ == "__main__":
    # Bytes, so the output is UTF-8 whatever the terminal's locale.
    sys.stdout.buffer.write(render(ground_truth()).encode("utf-8"))
