"""The sample portal's content and the answers an audit of it should find.

``build_portal(seed, day, size)`` is a pure function: the same arguments give the same
documents, byte for byte. The site's shape (columns, publishers, counts per year) is in
``catalogue``; this module fills it with documents and plants timeliness and
data-quality defects at known rates (see ``_plant_*``). ``size`` scales the shape to
about that many documents (``None``: the catalogue's own counts).

Day 0 is the site on ``EPOCH``; each later day is derived from the day before
(``_advance``): new documents, edits, a date correction on day 2, a withdrawal on day 3
that comes back on day 6, and a backdated document on day 4. ``Portal.changes`` says
what a day changed.

``ground_truth(seed, day, size)`` then counts what the pages show, never by hand. The
committed ``ground_truth.json`` is its output for the default seed, day 0 and size;
regenerate it with::

    python -m monitor.demo.sample_portal.model > monitor/demo/sample_portal/ground_truth.json
"""

import bisect
import datetime as dt
import json
import random
import re
import sys
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from importlib.resources import files
from urllib.parse import urlsplit

from monitor.audit import DEFAULT_LIMITS
from monitor.audit.workdays import add_workdays, is_workday, workdays_between

from . import planted, wording
from .catalogue import (ANNUAL_REPORT_PUBLISHED, ANNUAL_REPORT_TITLE, COLUMNS, COUNTS, DOCNO_PREFIX,
                        EPOCH, NEWS_COLUMN, OWNER, PAGE_SIZE, PUBLISHERS, ROOT, SEED, Column)

# Delays in working days for documents published on time, small ones most common.
_NORMAL_DELAYS = tuple(range(15))
_NORMAL_WEIGHTS = (12, 14, 13, 12, 10, 9, 7, 6, 5, 4, 3, 2, 2, 1, 1)
# Publication windows just after the 2020 Spring Festival break and National Day, where a
# Monday-to-Friday count and the official calendar disagree.
_HOLIDAY_WINDOWS = ((dt.date(2020, 2, 3), dt.date(2020, 2, 14), 12, (8, 18)),
                    (dt.date(2020, 10, 9), dt.date(2020, 10, 20), 8, (5, 17)))
# Regular documents (all but the annual report) of the catalogue's own counts.
_BASE_REGULAR = sum(sum(per_column.values()) for per_column in COUNTS.values())
_MIN_SIZE = 100

# What a day can change, as ``Portal.changes`` and ``ground_truth()["changes"]`` key it.
CHANGE_KINDS = ("new", "edited", "date_changed", "removed", "restored", "backdated")
DATE_CHANGE_DAY, REMOVAL_DAY, BACKDATED_DAY, RESTORE_DAY = 2, 3, 4, 6
# Columns new documents go to, weighted like the last catalogued year (no new annual report).
_NEW_WEIGHTS = COUNTS[max(COUNTS)]
_NEW_COLUMNS = tuple(c for c in COLUMNS if c.slug in _NEW_WEIGHTS)

# chinesecalendar scans its holiday tables on every call; generation asks about the
# same few thousand days tens of thousands of times.
_is_workday = cache(is_workday)


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file linked from a document, served through VSB's download endpoint."""

    file_id: int
    name: str
    document_id: int
    served: bool = True  # False: linked, but gone from the server (a dead link)

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
    ``updated`` is the day the page last changed when that is not ``published`` (an
    edit, or a backdated page put up later than it says).
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
    updated: dt.date | None = None
    # the inspection finding kind the document is planted for ("" for a decoy), or None
    planted: str | None = None
    # (path, text) of the links the page shows under 相关链接: the policy an interpretation interprets
    links: tuple[tuple[str, str], ...] = ()

    @property
    def url(self) -> str:
        return f"/info/{self.column.cid}/{self.id}.htm"

    @property
    def last_modified(self) -> dt.date:
        """The day the page last changed (its HTTP Last-Modified)."""
        return self.updated or self.published


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
    """The whole site as of ``EPOCH + day``, with lookups the server needs.

    ``withdrawn`` holds removed documents (not served) so a later day can restore them;
    ``changes`` maps each of ``CHANGE_KINDS`` to the URLs this day changed that way.
    """

    def __init__(self, seed: int, day: int, documents: list[Document], news: list[NewsItem], *,
                 size: int | None = None, withdrawn: tuple[Document, ...] = (),
                 changes: dict[str, tuple[str, ...]] | None = None):
        self.seed, self.day, self.size = seed, day, size
        self.columns = COLUMNS
        self.documents = tuple(documents)
        self.news = tuple(news)
        self.withdrawn = withdrawn
        self.changes = changes or {kind: () for kind in CHANGE_KINDS}
        self.by_id = {doc.id: doc for doc in documents}
        self.news_by_id = {item.id: item for item in news}
        self.attachments = {a.file_id: a for doc in documents for a in doc.attachments}
        self.images = frozenset(path for doc in documents for path, _ in doc.links if path.startswith(planted.IMAGES))
        self.columns_by_slug = {column.slug: column for column in COLUMNS}
        listings: dict[str, list[Document]] = {c.slug: [] for c in COLUMNS}
        for doc in sorted(documents, key=lambda d: (d.published, d.id), reverse=True):
            listings[doc.column.slug].append(doc)
        self.listings = {slug: tuple(docs) for slug, docs in listings.items()}

    def page_count(self, slug: str) -> int:
        """Listing pages of a column (at least one, even when empty)."""
        return max(1, -(-len(self.listings[slug]) // PAGE_SIZE))


@lru_cache(maxsize=8)
def build_portal(seed: int = SEED, day: int = 0, size: int | None = None) -> Portal:
    """The site generated from ``seed`` as it stands ``day`` days after ``EPOCH``.

    ``size`` asks for about that many regular documents, spread over the same columns
    and years in the catalogue's proportions; ``None`` is the catalogue's own counts.
    """
    if day < 0:
        raise ValueError(f"day must be 0 or later, not {day}")
    if day > 0:
        return _advance(build_portal(seed, day - 1, size), day)
    counts = _scaled_counts(size)
    rng = random.Random(seed)
    docs = _draft_documents(rng, counts)
    scale = len(docs) / _BASE_REGULAR
    docs.append(_annual_report())
    # VSB article ids grow with publication; ties keep drafting order.
    docs.sort(key=lambda d: d.published)
    for number, doc in enumerate(docs, start=10001):
        doc.id = number
    regular = [d for d in docs if not d.markdown]
    for year in counts:
        _plant_timeliness(rng, [d for d in regular if d.published.year == year], scale)
    _plant_index_numbers(rng, docs, regular, scale)
    _plant_publishers_and_extras(rng, docs, regular, scale)
    news = _news(rng)
    every = docs + _planted(docs)
    _plant_links(every)
    return Portal(seed, day, every, news, size=size)


class _Policies:
    """The policies (政策文件) an interpretation can link, in publication order."""

    def __init__(self, docs):
        self.docs = sorted((d for d in docs if d.column.slug == "zcwj"), key=lambda d: (d.published, d.id))
        self.days = [d.published for d in self.docs]

    def link(self, doc: Document) -> tuple[tuple[str, str], ...]:
        """The link to the policy ``doc`` interprets: the last one published by its day, else the first."""
        if not self.docs:
            return ()
        chosen = self.docs[max(bisect.bisect_right(self.days, doc.published) - 1, 0)]
        return ((chosen.url, chosen.title),)


def _plant_links(docs: list[Document]) -> None:
    """The links of ``planted``'s link cases, without any random choice (see its docstring)."""
    policies = _Policies(docs)
    interpretations = sorted((d for d in docs if d.column.slug == "zcjd"), key=lambda d: d.id)
    for doc in interpretations:
        doc.links = policies.link(doc)
    year = [d for d in interpretations if d.published.year == planted.LINKS_YEAR]
    for position in planted.UNLINKED_INTERPRETATIONS:
        if position < len(year):
            year[position].links = ()
    if year:
        year[0].links += (planted.MISSING_POLICY,)
    if len(year) > 1:
        year[1].links += ((f"{planted.IMAGES}{year[1].id}.png", f"图解：{year[1].title}"),)
    attached = [d for d in docs if d.published.year == planted.LINKS_YEAR and d.attachments and not d.markdown
                and d.planted is None]
    if attached:
        newest = max(attached, key=lambda d: d.id)
        newest.attachments = (replace(newest.attachments[0], served=False), *newest.attachments[1:])


def _planted(docs: list[Document]) -> list[Document]:
    """The documents of ``planted.CASES``, numbered after ``docs`` without any random choice."""
    numbering = _Numbering.of(docs)
    made = []
    for kind, slug, published, title, paragraphs, names in planted.CASES:
        column = next(c for c in COLUMNS if c.slug == slug)
        publisher = column.publishers[0]
        doc = Document(column, title, published, publisher, issuer=publisher, category=column.category,
                       paragraphs=paragraphs, planted=kind)
        doc.id, numbering.next_id = numbering.next_id, numbering.next_id + 1
        key = (PUBLISHERS[publisher], doc.published.year)
        numbering.index_serials[key] = numbering.index_serials.get(key, 0) + 1
        doc.index_number = f"{key[0]}/{key[1]}-{numbering.index_serials[key]:07d}"
        doc.attachments = tuple(Attachment(numbering.next_file + k, name, doc.id) for k, name in enumerate(names))
        numbering.next_file += len(names)
        made.append(doc)
    kind, title, published, name = planted.LATE_REPORT
    column = next(c for c in COLUMNS if c.slug == "xxgknb")
    publisher = column.publishers[0]
    report = Document(column, title, published, publisher, issuer=publisher, category=column.category,
                      markdown=files(__package__).joinpath(name).read_text(encoding="utf-8"), planted=kind)
    report.id, numbering.next_id = numbering.next_id, numbering.next_id + 1
    key = (PUBLISHERS[publisher], published.year)
    numbering.index_serials[key] = numbering.index_serials.get(key, 0) + 1
    report.index_number = f"{key[0]}/{key[1]}-{numbering.index_serials[key]:07d}"
    return [*made, report]


def _scaled_counts(size: int | None) -> dict[int, dict[str, int]]:
    """Documents per year and column for about ``size`` regular documents."""
    if size is None:
        return COUNTS
    if size < _MIN_SIZE:
        raise ValueError(f"size must be at least {_MIN_SIZE}, not {size}")
    factor = size / _BASE_REGULAR
    # Every catalogued column keeps at least one document per year, so shapes survive.
    return {year: {slug: max(1, round(count * factor)) for slug, count in per_column.items()}
            for year, per_column in COUNTS.items()}


def _at_scale(count: int, scale: float) -> int:
    """A planted count for a site ``scale`` times the catalogue's size (at least one)."""
    return max(1, round(count * scale))


def _draft_documents(rng: random.Random, counts: dict[int, dict[str, int]]) -> list[Document]:
    """Documents with column, title, date and publisher; everything else comes later."""
    docs = []
    for year, per_column in counts.items():
        days = _year_days(year)
        workdays = [d for d in days if _is_workday(d)]
        for column in COLUMNS:
            for _ in range(per_column.get(column.slug, 0)):
                # Most items go out on working days; a few on weekends and holidays.
                published = rng.choice(workdays if rng.random() < 0.97 else days)
                docs.append(_draft(rng, column, published))
    return docs


def _draft(rng: random.Random, column: Column, published: dt.date) -> Document:
    """One document's column, date, publisher, title and body."""
    publisher = rng.choice(column.publishers)
    title = wording.title_for(rng, column.slug, published, publisher)
    return Document(column, title, published, publisher, issuer=publisher,
                    paragraphs=tuple(wording.paragraphs(rng)))


def _annual_report() -> Document:
    column = next(c for c in COLUMNS if c.slug == "xxgknb")
    text = files(__package__).joinpath("annual_report_2020.md").read_text(encoding="utf-8")
    publisher = column.publishers[0]
    return Document(column, ANNUAL_REPORT_TITLE, ANNUAL_REPORT_PUBLISHED, publisher, issuer=publisher,
                    category=column.category, markdown=text)


def _year_days(year: int) -> list[dt.date]:
    start = dt.date(year, 1, 1)
    return [start + dt.timedelta(days=i) for i in range((dt.date(year + 1, 1, 1) - start).days)]


def _plant_timeliness(rng: random.Random, docs: list[Document], scale: float) -> None:
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
        for doc in rng.sample(window, min(_at_scale(count, scale), len(window))):
            delays[id(doc)] = rng.randint(low, high)
    for doc in known:
        delay = delays.get(id(doc))
        if delay is None:
            delay = rng.choices(_NORMAL_DELAYS, _NORMAL_WEIGHTS)[0]
        _set_formed(rng, doc, delay)


def _set_formed(rng: random.Random, doc: Document, delay: int) -> None:
    """Form ``doc`` ``delay`` working days before publication; show it in the grid or a signature."""
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
        delay -= _is_workday(formed)
        formed -= dt.timedelta(days=1)
    return formed


def _plant_index_numbers(rng: random.Random, docs: list[Document], regular: list[Document],
                         scale: float) -> None:
    """Number documents ``<orgcode>/<year>-<serial>``, serials per issuer and year.

    Planted defects: ~1% carry the previous year in the index number, two (per
    catalogue size) reuse the number of the document numbered just before them, two
    sequences skip serials.
    """
    mismatched = set(map(id, rng.sample(regular, round(0.01 * len(regular)))))
    duplicates = rng.sample([d for d in regular if id(d) not in mismatched], _at_scale(2, scale))
    sequences: dict[tuple[str, int], list[Document]] = {}
    for doc in docs:
        year = doc.published.year - (id(doc) in mismatched)
        sequences.setdefault((PUBLISHERS[doc.issuer], year), []).append(doc)
    long_ones = sorted(key for key, seq in sequences.items() if len(seq) >= 20)
    gapped = {key: rng.randint(5, 15) for key in rng.sample(long_ones, min(2, len(long_ones)))}
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


def _plant_publishers_and_extras(rng: random.Random, docs: list[Document], regular: list[Document],
                                 scale: float) -> None:
    """Document numbers, categories, attachments, GBK pages and two blank publishers."""
    for doc in rng.sample(regular, _at_scale(2, scale)):
        doc.publisher = ""
    for doc in rng.sample(regular, round(0.05 * len(regular))):
        doc.encoding = "gbk"
    docno_serials: dict[tuple[str, int], int] = {}
    next_file = 200001
    for doc in docs:
        next_file = _furnish(rng, doc, docno_serials, next_file)


def _furnish(rng: random.Random, doc: Document, docno_serials: dict[tuple[str, int], int],
             next_file: int) -> int:
    """Give ``doc`` its 文号, category, attachments and body date trap; the next free file id.

    ``docno_serials`` holds the last 文号 serial per (issuer, year) and is moved on.
    """
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
    if rng.random() < 0.15:
        # A date in the middle of the body that is not the signature.
        middle = list(doc.paragraphs)
        middle.insert(1, wording.effective_sentence(doc.published + dt.timedelta(days=rng.randint(0, 30))))
        doc.paragraphs = tuple(middle)
    return next_file + len(names)


def _news(rng: random.Random) -> list[NewsItem]:
    start = EPOCH - dt.timedelta(days=60)
    items = []
    for k in range(10):
        published = start + dt.timedelta(days=6 * k)
        title = "经开区" + wording.title_for(rng, "gzdt", published, "")
        items.append(NewsItem(9001 + k, title, published, tuple(wording.paragraphs(rng))))
    return items


# ---- time advancing -------------------------------------------------------------------

_INDEX = re.compile(r"(?P<org>[^/]+)/(?P<year>\d{4})-(?P<serial>\d+)")
_DOCNO = re.compile(r"〔(?P<year>\d{4})〕(?P<serial>\d+)号")


@dataclass(slots=True)
class _Numbering:
    """Where the site's numbering sequences stand, so that new documents continue them."""

    next_id: int
    next_file: int
    # last serial per (organisation code, year) and per (issuer, year)
    index_serials: dict[tuple[str, int], int]
    docno_serials: dict[tuple[str, int], int]

    @classmethod
    def of(cls, docs: list[Document]) -> "_Numbering":
        """The sequences as ``docs`` (served and withdrawn alike) leave them."""
        index_serials: dict[tuple[str, int], int] = {}
        docno_serials: dict[tuple[str, int], int] = {}
        for doc in docs:
            match = _INDEX.fullmatch(doc.index_number)
            key = (match["org"], int(match["year"]))
            index_serials[key] = max(index_serials.get(key, 0), int(match["serial"]))
            if match := _DOCNO.search(doc.docno):
                key = (doc.issuer, int(match["year"]))
                docno_serials[key] = max(docno_serials.get(key, 0), int(match["serial"]))
        last_file = max((a.file_id for doc in docs for a in doc.attachments), default=200000)
        return cls(max(d.id for d in docs) + 1, last_file + 1, index_serials, docno_serials)

    def number(self, rng: random.Random, doc: Document) -> None:
        """Give a new document the next article id, index number, 文号 and file ids."""
        doc.id, self.next_id = self.next_id, self.next_id + 1
        key = (PUBLISHERS[doc.issuer], doc.published.year)
        self.index_serials[key] = self.index_serials.get(key, 0) + 1
        doc.index_number = f"{key[0]}/{key[1]}-{self.index_serials[key]:07d}"
        self.next_file = _furnish(rng, doc, self.docno_serials, self.next_file)


def _advance(previous: Portal, day: int) -> Portal:
    """The site one day after ``previous`` (which is day ``day - 1``).

    Each day edits two or three documents (on ``DATE_CHANGE_DAY`` one edit corrects a
    公开日期) and publishes about 1% new ones dated that day; ``REMOVAL_DAY`` withdraws
    one document, ``RESTORE_DAY`` brings it back unchanged, and ``BACKDATED_DAY`` puts
    up one document dated weeks before ``EPOCH`` in a column that already listed newer
    ones. A backdated document is new too; a date correction is an edit too.
    """
    rng = random.Random(f"{previous.seed}/{previous.size}/{day}")
    today = EPOCH + dt.timedelta(days=day)
    numbering = _Numbering.of([*previous.documents, *previous.withdrawn])
    changes: dict[str, list[Document]] = {kind: [] for kind in CHANGE_KINDS}
    # Planted documents stay as planted: days edit only the generated ones.
    regular = [d for d in previous.documents if not d.markdown and d.planted is None]
    picked = rng.sample(regular, rng.randint(2, 3) + (day == REMOVAL_DAY))
    if day == REMOVAL_DAY:
        changes["removed"].append(picked.pop())
    for position, doc in enumerate(picked):
        redate = day == DATE_CHANGE_DAY and position == 0
        changes["edited"].append((_redate if redate else _edit)(rng, doc, today))
        if redate:
            changes["date_changed"].append(changes["edited"][-1])
    edited = {doc.id: doc for doc in changes["edited"]}
    removed = {doc.id for doc in changes["removed"]}
    kept = [edited.get(doc.id, doc) for doc in previous.documents if doc.id not in removed]
    withdrawn = [*previous.withdrawn, *changes["removed"]]
    if day == RESTORE_DAY:
        changes["restored"], withdrawn = withdrawn, []
    changes["new"] = _publish(rng, today, len(previous.documents), numbering)
    new_interpretations = [doc for doc in changes["new"] if doc.column.slug == "zcjd"]
    if new_interpretations:
        policies = _Policies([*kept, *changes["new"]])
        for doc in new_interpretations:
            doc.links = policies.link(doc)
    if day == BACKDATED_DAY:
        changes["backdated"].append(_backdated(rng, previous, today, numbering))
        changes["new"].extend(changes["backdated"])
    docs = sorted([*kept, *changes["restored"], *changes["new"]], key=lambda d: d.id)
    urls = {kind: tuple(d.url for d in sorted(found, key=lambda d: d.id)) for kind, found in changes.items()}
    return Portal(previous.seed, day, docs, list(previous.news), size=previous.size,
                  withdrawn=tuple(withdrawn), changes=urls)


def _edit(rng: random.Random, doc: Document, today: dt.date) -> Document:
    """``doc`` with a revision note added to its body on ``today``."""
    return replace(doc, paragraphs=(*doc.paragraphs, wording.revision_note(rng, today)), updated=today)


def _redate(rng: random.Random, doc: Document, today: dt.date) -> Document:
    """``doc`` with its 公开日期 corrected by a few days, within the same year."""
    delta = dt.timedelta(days=rng.choice((-3, -2, -1, 1, 2, 3)))
    moved = doc.published + delta
    if moved.year != doc.published.year:
        moved = doc.published - delta
    return replace(doc, published=moved, updated=today)


def _publish(rng: random.Random, today: dt.date, total: int, numbering: _Numbering) -> list[Document]:
    """About 1% of ``total`` new documents dated ``today``, in columns weighted as lately."""
    columns = rng.choices(_NEW_COLUMNS, [_NEW_WEIGHTS[c.slug] for c in _NEW_COLUMNS],
                          k=max(1, round(0.01 * total)))
    return [_new_document(rng, column, today, numbering) for column in columns]


def _new_document(rng: random.Random, column: Column, published: dt.date, numbering: _Numbering) -> Document:
    """A fully dressed document of ``column`` dated ``published``, numbered after the rest.

    About 10% have no formation date, about 8% are late (16–30 working days), 5% GBK.
    """
    doc = _draft(rng, column, published)
    numbering.number(rng, doc)
    if rng.random() < 0.05:
        doc.encoding = "gbk"
    roll = rng.random()
    if roll >= 0.10:
        late = roll < 0.18
        _set_formed(rng, doc, rng.randint(16, 30) if late else rng.choices(_NORMAL_DELAYS, _NORMAL_WEIGHTS)[0])
    return doc


def _backdated(rng: random.Random, previous: Portal, today: dt.date, numbering: _Numbering) -> Document:
    """A document first put up ``today`` but dated three to eight weeks before ``EPOCH``.

    Its column is one whose listing already showed a newer document, so a reader who
    watched the listing knows the stated date cannot be when it appeared.
    """
    stated = EPOCH - dt.timedelta(weeks=rng.randint(3, 8))
    while not _is_workday(stated):
        stated -= dt.timedelta(days=1)
    columns = [c for c in _NEW_COLUMNS if previous.listings[c.slug] and previous.listings[c.slug][0].published > stated]
    doc = _new_document(rng, rng.choice(columns), stated, numbering)
    doc.updated = today
    return doc


# ---- ground truth ---------------------------------------------------------------------



def ground_truth(seed: int = SEED, day: int = 0, size: int | None = None) -> dict:
    """Counts over the whole site of ``(seed, day, size)``; years are string keys, as in JSON.

    ``by_year_column[year][name]`` counts documents under every column whose path
    contains ``name`` (so 重点领域信息公开 sums its sub-columns). ``timeliness`` is per
    publication year: ``late[limit]`` counts delays greater than the limit (so late
    against 20 are also late against 15), ``negative`` those published before formation.
    ``by_publisher`` keys the blank 发布机构 as "". A scaled site adds ``size``; a day
    after the first adds ``changes``: the URLs that day changed, per ``CHANGE_KINDS``.
    """
    portal = build_portal(seed, day, size)
    docs = portal.documents
    by_year_of = Counter((str(d.published.year), d.column) for d in docs)
    years = sorted({year for year, _ in by_year_of})
    names = list(dict.fromkeys(name for c in portal.columns for name in c.path if name != ROOT))
    index_counts = Counter(d.index_number for d in docs)
    per_year = {year: [] for year in years}
    for doc in docs:
        per_year[str(doc.published.year)].append(doc)
    truth = {
        "seed": portal.seed,
        "day": portal.day,
        **({"size": size} if size is not None else {}),
        "documents": len(docs),
        "detail_pages": len(docs),
        "listing_pages": sum(portal.page_count(c.slug) for c in portal.columns),
        "news_pages": len(portal.news),
        "by_year": {year: len(per_year[year]) for year in years},
        "by_column": {c.breadcrumb: len(portal.listings[c.slug]) for c in portal.columns},
        "by_publisher": _sorted(Counter(d.publisher for d in docs)),
        "by_year_column": {
            year: {name: sum(n for (y, column), n in by_year_of.items() if y == year and name in column.path)
                   for name in names}
            for year in years},
        "attachments": sum(len(d.attachments) for d in docs),
        "gbk_pages": sum(1 for d in docs if d.encoding == "gbk"),
        "timeliness": {year: _timeliness(per_year[year]) for year in years},
        "index_year_mismatch": sum(1 for d in docs if _INDEX.fullmatch(d.index_number)["year"] != str(d.published.year)),
        "duplicate_index_numbers": sum(1 for n in index_counts.values() if n > 1),
        "serial_gaps": _serial_gaps(index_counts),
        "missing_publisher": sum(1 for d in docs if not d.publisher),
        "inspection": _inspection(portal),
    }
    if day > 0:
        truth["changes"] = {kind: list(portal.changes[kind]) for kind in CHANGE_KINDS}
    return truth


def _inspection(portal: Portal) -> dict:
    """Per year, the URL paths the inspection checks should name when the year is audited as
    of its last day: documents planted with personal data (by publication year), the newest
    document of each stale column, blank columns' listings, a stale home page, the targets of
    dead links (every year: the crawl's state) and the interpretations of the year linking no
    document."""
    from crawler.profiles import PROFILES
    from monitor.audit.rulebook import column_threshold, is_interpretation_column, setting
    from monitor.audit.similarity import similarity

    from .pages import listing_path

    profile = PROFILES["leda"]
    years = sorted({doc.published.year for doc in portal.documents})
    blank = sorted(listing_path(c.slug, 1, 1) for c in portal.columns if not portal.listings[c.slug])
    home_dates = sorted({str(d.published) for d in (*portal.news, *portal.listings["tzgg"][:5])}, reverse=True)
    pages = {d.url for d in portal.documents}
    dead = sorted({path for d in portal.documents for path, _ in d.links if path not in pages | portal.images}
                  | {urlsplit(a.url).path for d in portal.documents for a in d.attachments if not a.served})
    truth = {}
    for year in years:
        as_of = dt.date(year, 12, 31)
        found = {kind: sorted(d.url for d in portal.documents if d.planted == kind and d.published.year == year)
                 for kind in ("personal_data", "report_late")}
        found.update(_report_pairs(portal, year, lambda text, before: (
            (shared := similarity(text, before)) is not None
            and shared[0] * 100 >= setting("GOVWATCH_REPORT_SIMILAR_PERCENT"))))
        stale = []
        for column in portal.columns:
            shown = [d for d in portal.listings[column.slug] if d.published <= as_of]
            if shown:
                newest = max(shown, key=lambda d: (d.published, d.url))
                if (as_of - newest.published).days > column_threshold(column.name, profile):
                    stale.append(newest.url)
        found["stale_column"] = sorted(stale)
        found["blank_column"] = blank
        by_then = [day for day in home_dates if day <= as_of.isoformat()]
        stale_home = not home_dates or (len(by_then) == len(home_dates) and (
            as_of - dt.date.fromisoformat(by_then[0])).days > setting("GOVWATCH_HOMEPAGE_STALE_DAYS"))
        found["homepage_stale"] = ["/"] if stale_home else []
        found["dead_link"] = dead
        found["interpretation_unlinked"] = sorted(
            d.url for d in portal.documents if d.published.year == year
            and is_interpretation_column(d.column.name, profile)
            and not any(path in pages and path != d.url for path, _ in d.links))
        truth[str(year)] = {kind: urls for kind, urls in found.items() if urls}
    return truth


def _carried(markdown: str, label: str) -> int | None:
    """The total (last cell) of the report table's row starting with ``label``."""
    row = next((line for line in markdown.splitlines() if line.startswith(label)), None)
    return int(row.rsplit("\t", 1)[-1]) if row else None


def _report_pairs(portal: Portal, year: int, similar) -> dict[str, list[str]]:
    """Reports published in ``year`` whose previous year's report is on the site too: those
    whose 上年结转 differs from its 结转下年度继续办理, those made of its prose."""
    reports = {int(match[1]): doc for doc in portal.documents
               if doc.markdown and (match := re.search(r"(\d{4})年", doc.title))}
    found = {"cross_year_mismatch": [], "report_similar": []}
    for on, doc in sorted(reports.items()):
        before = reports.get(on - 1)
        if doc.published.year != year or before is None:
            continue
        if _carried(doc.markdown, "二、上年结转") != _carried(before.markdown, "四、结转下年度继续办理"):
            found["cross_year_mismatch"].append(doc.url)
        if similar(doc.markdown, before.markdown):
            found["report_similar"].append(doc.url)
    return found


def _sorted(counter: Counter) -> dict:
    return dict(sorted(counter.items()))


def _timeliness(docs) -> dict:
    known = [d for d in docs if d.formed is not None]
    delays = [workdays_between(d.formed, d.published) for d in known]
    return {
        "checked": len(known),
        "unknown": len(docs) - len(known),
        "late": {str(limit): sum(1 for delay in delays if delay > limit) for limit in DEFAULT_LIMITS},
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
