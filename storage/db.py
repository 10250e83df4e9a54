"""Opening the govwatch database and keeping its schema current.

The schema is described for the people who query it in README.md ("Querying the
database"). Its version lives in ``PRAGMA user_version``; each entry of
``MIGRATIONS`` brings a database from one version to the next, so a file written by
an older govwatch is upgraded in place the first time a newer one opens it.
"""

import os
import sqlite3
from pathlib import Path

import sqlite_utils

from storage.alerts import create_alerts_table
from storage.archive import create_archive_tables
from storage.column_reads import create_column_reads_table, create_column_sweeps_table
from storage.links import create_links_tables
from storage.listed_pages import create_listed_pages_table
from storage.report_files import add_report_file_pointers, create_report_files_table
from storage.runs import add_run_profile_columns
from storage.transactions import write_transaction

# How long a connection waits for another one's write lock before it gives up.
BUSY_TIMEOUT_ENV = "GOVWATCH_BUSY_TIMEOUT"
DEFAULT_BUSY_TIMEOUT_S = 30
# SQLite's primary result codes for a file that is damaged or no database at all.
DAMAGE_CODES = (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)


class DatabaseError(Exception):
    """The database file cannot be opened or written; the message is for a person."""


class QueryError(DatabaseError):
    """A query on a read-only connection failed or was refused; the message is for a person."""


# Pragmas that only report, whatever their argument.
_REPORTING_PRAGMAS = frozenset({
    "table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo",
    "foreign_key_list", "foreign_key_check", "integrity_check", "quick_check", "database_list",
    "collation_list", "function_list", "module_list", "pragma_list", "compile_options",
})
# Pragmas that report without an argument and change a setting or the file with one.
_SETTING_PRAGMAS = frozenset({
    "user_version", "schema_version", "application_id", "page_count", "page_size", "freelist_count",
    "encoding", "journal_mode", "data_version", "foreign_keys", "busy_timeout",
})
# SQL functions that reach beyond the database: loading code into the process.
_REFUSED_FUNCTIONS = frozenset({"load_extension", "fts3_tokenizer"})
_ACTION_NAMES = {
    getattr(sqlite3, f"SQLITE_{name}"): name.replace("_", " ")
    for name in ("CREATE_INDEX", "CREATE_TABLE", "CREATE_TEMP_INDEX", "CREATE_TEMP_TABLE", "CREATE_TEMP_TRIGGER",
                 "CREATE_TEMP_VIEW", "CREATE_TRIGGER", "CREATE_VIEW", "DELETE", "DROP_INDEX", "DROP_TABLE",
                 "DROP_TEMP_INDEX", "DROP_TEMP_TABLE", "DROP_TEMP_TRIGGER", "DROP_TEMP_VIEW", "DROP_TRIGGER",
                 "DROP_VIEW", "INSERT", "UPDATE", "TRANSACTION", "DETACH", "ALTER_TABLE", "REINDEX",
                 "ANALYZE", "CREATE_VTABLE", "DROP_VTABLE", "SAVEPOINT")
}


def _refusal(action: int, arg1: str | None, arg2: str | None, transactions: bool = False,
             database: str | None = None) -> str | None:
    """Why a read-only connection refuses ``action`` (an authorizer code), or None to allow it.

    Only reading is allowed: SELECT, reading columns, functions other than those that
    load code, recursive queries and pragmas that report, and with ``transactions`` the
    transactions and savepoints that hold reads to one snapshot (sqlite-utils' ``query``
    opens a savepoint; the file is opened mode=ro, so no transaction can write it), and the
    temporary views that show one site's rows (``storage.sites``), which write nothing.
    Everything else (writes, ATTACH, which VACUUM INTO also needs to write its copy,
    setting a pragma) is refused.
    """
    if action in (sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_RECURSIVE):
        return None
    if action in (sqlite3.SQLITE_TRANSACTION, sqlite3.SQLITE_SAVEPOINT) and transactions:
        return None
    if transactions and database == "temp" and action in (
            sqlite3.SQLITE_CREATE_TEMP_VIEW, sqlite3.SQLITE_DROP_TEMP_VIEW,
            sqlite3.SQLITE_INSERT, sqlite3.SQLITE_UPDATE, sqlite3.SQLITE_DELETE):
        # Making or dropping a temporary view writes the connection's own temp schema, never
        # a file; no temporary table can be made to write into.
        return None
    if action == sqlite3.SQLITE_FUNCTION:
        return f"the function {arg2}()" if arg2 and arg2.lower() in _REFUSED_FUNCTIONS else None
    if action == sqlite3.SQLITE_PRAGMA:
        name = (arg1 or "").lower()
        if name in _REPORTING_PRAGMAS or (name in _SETTING_PRAGMAS and arg2 is None):
            return None
        return f"PRAGMA {arg1}" + (f" = {arg2}" if arg2 is not None else "")
    if action == sqlite3.SQLITE_UPDATE and arg1 == "sqlite_master":
        # SQLite reports this while it sets up a table-valued pragma (pragma_table_info);
        # the file is opened mode=ro, so it could not write the schema anyway.
        return None
    if action == sqlite3.SQLITE_ATTACH:
        return f"ATTACH of another file ({arg1})" if arg1 else "ATTACH"
    return _ACTION_NAMES.get(action, f"operation {action}") + (f" on {arg1}" if arg1 else "")


def _read_only(conn: sqlite3.Connection, *, transactions: bool = False) -> list[str]:
    """Make ``conn`` read-only for every file; return the list its refusals are recorded in.

    ``mode=ro`` protects the database itself; the authorizer and the attach limit stop
    statements that would create or write other files (ATTACH, VACUUM INTO).
    ``transactions`` lets the code that holds the connection read from one snapshot;
    a query a person typed gets no transaction statements.
    """
    refused: list[str] = []

    def authorize(action, arg1, arg2, database, trigger):
        reason = _refusal(action, arg1, arg2, transactions, database)
        if reason is None:
            return sqlite3.SQLITE_OK
        refused.append(reason)
        return sqlite3.SQLITE_DENY

    conn.set_authorizer(authorize)
    conn.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
    return refused


def read_query(db: sqlite_utils.Database, sql: str, site: str | None = None) -> tuple[list[str], list[tuple]]:
    """Run ``sql`` on a read-only connection; return its column names and rows. With
    ``site``, its tables show that site's rows alone (``storage.sites``), as the audit of
    one site of a fleet reads them, so the SQL a report shows gives the report's figures.

    A statement that would write anything, or that fails, raises QueryError with one line.
    """
    from storage.sites import site_scope

    with site_scope(db, site):
        refused = _read_only(db.conn)
        try:
            cursor = db.execute(sql)
            return [item[0] for item in cursor.description or []], cursor.fetchall()
        except sqlite3.Error as exc:
            if refused:
                raise QueryError(f"refused: queries only read the database, and this one needs {refused[0]}") from None
            if is_damage(exc):
                raise  # not the query's fault: the caller names the damaged file
            raise QueryError(f"query failed: {exc}") from None
        finally:
            # The connection's own reads again, which may drop the site's views.
            _read_only(db.conn, transactions=True)


class DamagedDatabase(DatabaseError):
    """The file is damaged (``PRAGMA quick_check`` fails) or is not a database at all."""


def busy_timeout_ms() -> int:
    """The busy timeout every connection gets: ``GOVWATCH_BUSY_TIMEOUT`` seconds, 30 by default."""
    text = os.environ.get(BUSY_TIMEOUT_ENV, "").strip()
    try:
        seconds = float(text) if text else DEFAULT_BUSY_TIMEOUT_S
    except ValueError:
        raise DatabaseError(f"{BUSY_TIMEOUT_ENV} must be a number of seconds, not {text!r}") from None
    if seconds < 0:
        raise DatabaseError(f"{BUSY_TIMEOUT_ENV} must not be negative, not {text!r}")
    return int(seconds * 1000)


def _code(exc: sqlite3.Error) -> int:
    """SQLite's primary result code of ``exc`` (0 when it carries none)."""
    return (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF


def is_damage(exc: sqlite3.Error) -> bool:
    """SQLite itself says the file is corrupt or not a database."""
    return _code(exc) in DAMAGE_CODES


def damage(path: str | Path) -> str | None:
    """The first problem ``PRAGMA quick_check`` finds in the database at ``path``, or None.

    quick_check reads every page (1.7 s warm, 36 s cold for a 2.7 GB file of a million
    documents), so commands run it only to name an error they met, and the nightly once
    before it writes. None also when the check itself cannot run (the file is locked):
    then nothing is known to be damaged.
    """
    try:
        conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
        try:
            conn.execute(f"PRAGMA busy_timeout = {busy_timeout_ms()}")
            rows = conn.execute("PRAGMA quick_check(1)").fetchall()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return str(exc) if is_damage(exc) else None
    found = rows[0][0] if rows else "ok"
    if found == "ok":
        return None
    # The report starts with a "*** in database main ***" line naming the schema.
    return "; ".join(line.strip() for line in found.splitlines() if not line.startswith("***"))


def explain(path: str | Path, exc: sqlite3.Error, doing: str) -> DatabaseError:
    """``exc``, raised while trying to ``doing`` (e.g. "write to") the database at ``path``, for a person.

    A damaged file becomes :class:`DamagedDatabase`: when SQLite says so, or when an
    error that is not an operational one (a lock, a full disk) is confirmed by quick_check.
    """
    if _code(exc) == sqlite3.SQLITE_BUSY:
        return DatabaseError(f"cannot {doing} {path}: the database is locked (another connection kept its "
                             f"write lock longer than {busy_timeout_ms() / 1000:g} s, {BUSY_TIMEOUT_ENV})")
    found = None
    if is_damage(exc):
        found = damage(path) or str(exc)
    elif not isinstance(exc, sqlite3.OperationalError):
        found = damage(path)
    return damaged(path, found) if found else DatabaseError(f"cannot {doing} {path}: {exc}")


def damaged(path: str | Path, found: str) -> DamagedDatabase:
    """The error naming the database at ``path`` damaged, ``found`` saying how."""
    return DamagedDatabase(f"the database {path} is damaged ({found}): restore it from a backup, "
                           "or crawl into a new file")


def check_sound(path: str | Path) -> None:
    """Raise :class:`DamagedDatabase` when quick_check finds the database at ``path`` damaged."""
    found = damage(path)
    if found:
        raise damaged(path, found)


def _v1(db: sqlite_utils.Database) -> None:
    """Documents, their attachments, crawl runs and fetch errors."""
    db["documents"].create(
        {
            "url": str,
            "is_disclosure": int,
            "title": str,
            "index_no": str,
            "doc_no": str,
            "publisher": str,
            "published_on": str,
            "created_on": str,
            "created_on_source": str,
            "expires_on": str,
            "category": str,
            "disclosure_method": str,
            "scope": str,
            "breadcrumb": str,
            "column_path": str,
            "attachments": str,
            "body_text": str,
            "fields": str,
            "warnings": str,
            "content_hash": str,
            "first_seen_at": str,
            "last_seen_at": str,
            "crawl_id": int,
        },
        pk="url",
    )
    # An audit of a year reads every document of the year some twenty times; with
    # body_text inline a row is kilobytes, so it reads this covering index instead.
    db["documents"].create_index(
        ["published_on", "is_disclosure", "publisher", "category", "index_no", "created_on",
         "created_on_source", "column_path", "attachments", "breadcrumb", "title", "url"],
        index_name="idx_documents_audit",
    )
    db["documents"].create_index(["index_no", "is_disclosure"])
    for column in ("created_on", "publisher", "column_path"):
        db["documents"].create_index([column])
    db["attachments"].create(
        {"id": int, "document_url": str, "name": str, "url": str},
        pk="id",
        foreign_keys=[("document_url", "documents", "url")],
    )
    db["attachments"].create_index(["document_url"])
    db["crawl_runs"].create(
        {
            "id": int,
            "started_at": str,
            "finished_at": str,
            "status": str,
            "site": str,
            "start_urls": str,
            "pages_fetched": int,
            "documents_new": int,
            "documents_updated": int,
            "documents_unchanged": int,
            "errors": int,
        },
        pk="id",
    )
    db["fetch_errors"].create(
        {"id": int, "crawl_id": int, "url": str, "status": int, "error": str, "at": str},
        pk="id",
        foreign_keys=[("crawl_id", "crawl_runs", "id")],
    )
    db["fetch_errors"].create_index(["crawl_id"])


def _v2(db: sqlite_utils.Database) -> None:
    """The audit: a working-day calendar, audit runs, findings and the views over documents."""
    db["workdays"].create({"day": str, "is_workday": int, "seq": int}, pk="day")
    db["audit_runs"].create(
        {"id": int, "ran_at": str, "date_from": str, "date_to": str, "report": str, "limits": str, "result": str},
        pk="id",
    )
    db["findings"].create(
        {"id": int, "audit_id": int, "kind": str, "url": str, "index_no": str, "detail": str},
        pk="id",
        foreign_keys=[("audit_id", "audit_runs", "id")],
    )
    db["findings"].create_index(["audit_id", "kind"])
    for sql in document_views(with_site=False):
        db.execute(sql)


def document_views(with_site: bool) -> list[str]:
    """The views over documents people query, as schema 2 made them or, ``with_site``, with
    the site of each row last (``_site_in_views``)."""
    site = ", site" if with_site else ""
    return [sql.replace("{site}", site) for sql in _DOCUMENT_VIEWS]


_DOCUMENT_VIEWS = [
    # One row per disclosure document with the dimensions the counts group by.
    """CREATE VIEW publications AS
    SELECT url, title, publisher, index_no, published_on,
           substr(published_on, 1, 4) AS year, substr(published_on, 1, 7) AS month,
           column_path, category,
           json_array_length(attachments) > 0 AS has_attachments{site}
    FROM documents WHERE is_disclosure = 1""",
    # Every level of every document's breadcrumb, so a column counts at any depth.
    """CREATE VIEW document_columns AS
    SELECT d.url, level.key + 1 AS depth, level.value AS column_name,
           (SELECT group_concat(part.value, ' >> ') FROM json_each(d.breadcrumb) AS part
            WHERE part.key <= level.key) AS column_path{site}
    FROM documents AS d, json_each(d.breadcrumb) AS level
    WHERE d.is_disclosure = 1""",
    # Working days taken from formation to publication: seq counts working days through
    # a date, so the difference counts the days d with formed < d <= published.
    """CREATE VIEW timeliness AS
    SELECT d.url, d.title, d.publisher, d.index_no, d.column_path,
           d.created_on, d.created_on_source, d.published_on,
           published.seq - formed.seq AS workdays,
           CASE
             WHEN d.created_on IS NULL THEN 'formation date missing'
             WHEN d.published_on IS NULL THEN 'publication date missing'
             WHEN formed.seq IS NULL THEN 'calendar missing for ' || substr(d.created_on, 1, 4)
             WHEN published.seq IS NULL THEN 'calendar missing for ' || substr(d.published_on, 1, 4)
           END AS unknown_reason{site}
    FROM documents AS d
    LEFT JOIN workdays AS formed ON formed.day = d.created_on
    LEFT JOIN workdays AS published ON published.day = d.published_on
    WHERE d.is_disclosure = 1""",
]

def _v3(db: sqlite_utils.Database) -> None:
    """Change history and what incremental crawls need: validators, verification, removal."""
    db["documents"].add_column("etag", str)
    db["documents"].add_column("last_modified", str)
    db["documents"].add_column("verified_at", str)
    db["documents"].add_column("removed_at", str)
    db.execute("UPDATE documents SET verified_at = last_seen_at")
    db["document_versions"].create(
        {"id": int, "url": str, "content_hash": str, "fetched_at": str, "crawl_id": int,
         "changed_fields": str, "record": str},
        pk="id",
    )
    db["document_versions"].create_index(["url"])
    db["events"].create(
        {"id": int, "url": str, "kind": str, "crawl_id": int, "at": str, "detail": str},
        pk="id",
    )
    db["events"].create_index(["kind"])
    db["events"].create_index(["url"])


def _v4(db: sqlite_utils.Database) -> None:
    """The alert queue: late-publication and crawl-health alerts and whether they were mailed."""
    create_alerts_table(db)


def _v5(db: sqlite_utils.Database) -> None:
    """Crawl notes: pages a crawl could not read the usual way (a listing rendered by JavaScript)."""
    db["crawl_notes"].create(
        {"id": int, "crawl_id": int, "url": str, "kind": str, "title": str, "detail": str, "at": str},
        pk="id",
        foreign_keys=[("crawl_id", "crawl_runs", "id")],
    )
    db["crawl_notes"].create_index(["crawl_id", "kind"])


def _v6(db: sqlite_utils.Database) -> None:
    """Annual-report files: the PDF or Word file a report page attaches or a 年报 listing links."""
    create_report_files_table(db)


def _v7(db: sqlite_utils.Database) -> None:
    """The mail each alert was given to, so a mail whose acknowledgement was lost is resent as it was."""
    db["alerts"].add_column("message_id", str)


def _v8(db: sqlite_utils.Database) -> None:
    """Which parser produced each version and why it was recorded (new, portal or parser).

    Rows written before are given parser 1, the parser of the release that began the
    numbering (a value fixed here, not ``crawler.parsing.PARSER_VERSION``, which moves on).
    """
    db["documents"].add_column("parser_version", int)
    db["document_versions"].add_column("parser_version", int)
    db["document_versions"].add_column("reason", str)
    db.execute("UPDATE documents SET parser_version = 1")
    db.execute(
        "UPDATE document_versions SET parser_version = 1,"
        " reason = CASE WHEN changed_fields IS NULL THEN 'new' ELSE 'portal' END"
    )


def _archive_index(db: sqlite_utils.Database) -> None:
    """The WARC archive's index, and which archived record each version and attachment was read from."""
    create_archive_tables(db)


def _listing_reads(db: sqlite_utils.Database) -> None:
    """Incremental listing reads: when each listing column was last read through all of its
    pages, and the dated pages listings link that are not documents.

    A database upgraded to it has no row: its next crawl reads every column in full.
    """
    create_column_reads_table(db)
    create_listed_pages_table(db)


# Tables that hold no portal's data: the working-day calendar is the same for every site.
SHARED_TABLES = frozenset({"workdays"})
# Where a row of a portal-data table learns its site, by the first of these columns it has.
_SITE_SOURCES = (
    ("crawl_id", "SELECT site FROM crawl_runs WHERE id = NEW.crawl_id"),
    ("audit_id", "SELECT site FROM audit_runs WHERE id = NEW.audit_id"),
    ("document_url", "SELECT site FROM documents WHERE url = NEW.document_url"),
    ("url", "SELECT site FROM documents WHERE url = NEW.url"),
)


def _single_site(db: sqlite_utils.Database) -> str:
    """The one site an existing database was crawled for: its latest crawl's, else the built-in leda.

    Before this migration a database held one portal (the profile named in crawl_runs);
    a file that never finished a crawl can only have been meant for the default profile.
    """
    row = db.execute("SELECT site FROM crawl_runs WHERE site IS NOT NULL ORDER BY id DESC LIMIT 1").fetchone()
    return row[0] if row else "leda"


def _site_column(db: sqlite_utils.Database) -> None:
    """A ``site`` column on every table holding portal data, so one file holds a fleet of portals.

    Written generically (every table but the calendar), so tables added by earlier
    migrations get the column too. Existing rows take the one site the file was crawled
    for; new rows that name no site take it from the crawl, audit or document they
    belong to (a trigger per table), so writers that predate the fleet stay correct.
    Keys stay the URL: a URL names one host's page, and a document is stored once
    whichever site's listing links it.
    """
    site = _single_site(db)
    db.execute("UPDATE crawl_runs SET site = ? WHERE site IS NULL", [site])
    for table in db.table_names():
        if table in SHARED_TABLES or table.startswith("sqlite_"):
            continue
        columns = db[table].columns_dict
        if "site" not in columns:
            db[table].add_column("site", str)
        db.execute(f"UPDATE [{table}] SET site = ? WHERE site IS NULL", [site])
        if table != "crawl_runs":
            _site_of_new_rows(db, table, columns)
        else:
            db[table].create_index(["site"], if_not_exists=True)


def _run_profile_and_report_archive(db: sqlite_utils.Database) -> None:
    """What a re-parse or an audit needs of a crawl later: the body hints of the profile it
    used and the archive it wrote (``crawl_runs``), and which archived record holds each
    report file's bytes (``report_files``).

    Rows from before it keep their ``body`` and have no pointer: their crawls' bytes may
    be in no archive, so nothing is dropped. A report file archived from now on is stored
    once, in the archive, with ``body`` null.
    """
    add_run_profile_columns(db)
    add_report_file_pointers(db)


def _site_audit_index(db: sqlite_utils.Database) -> None:
    """The audit's covering index once more, led by the site, so the audit of one site of a
    fleet's file reads that site's entries of the index alone, as a file of one site reads
    ``idx_documents_audit``."""
    columns = [name for _, _, name in db.execute("PRAGMA index_info(idx_documents_audit)").fetchall()]
    db["documents"].create_index(["site", *columns], index_name="idx_documents_site_audit")


def _site_of_new_rows(db: sqlite_utils.Database, table: str, columns) -> None:
    """The index on ``table``'s site, and the trigger giving a new row the site of its crawl, audit or document."""
    db[table].create_index(["site"], if_not_exists=True)
    source = next((sql for column, sql in _SITE_SOURCES if column in columns), None)
    if source is not None:
        db.execute(
            f"CREATE TRIGGER IF NOT EXISTS [{table}_site] AFTER INSERT ON [{table}] WHEN NEW.site IS NULL "
            f"BEGIN UPDATE [{table}] SET site = ({source}) WHERE rowid = NEW.rowid; END"
        )


def _links(db: sqlite_utils.Database) -> None:
    """The link graph: each crawled page's links inside the portal, and what each target answered
    (``storage.links``), with the site every portal table has."""
    create_links_tables(db)
    for table in ("links", "link_checks"):
        db[table].add_column("site", str)
        _site_of_new_rows(db, table, db[table].columns_dict)


def _site_in_views(db: sqlite_utils.Database) -> None:
    """The site of each row in ``publications``, ``document_columns`` and ``timeliness``, so a
    person can count a fleet's file by site (and the canned queries take a site)."""
    for sql in document_views(with_site=True):
        name = sql.split("CREATE VIEW ", 1)[1].split()[0]
        db.execute(f"DROP VIEW IF EXISTS [{name}]")
        db.execute(sql)


def _column_sweeps(db: sqlite_utils.Database) -> None:
    """A column's read to its end spread over nights: where each sweep under way resumes
    (``storage.column_reads``), with the site every portal table has.

    A database upgraded to it has no sweep under way: each column starts one on its turn,
    or when its last full read is older than ``reverify_days``, as before.
    """
    create_column_sweeps_table(db)
    db["column_sweeps"].add_column("site", str)
    _site_of_new_rows(db, "column_sweeps", db["column_sweeps"].columns_dict)


MIGRATIONS = [_v1, _v2, _v3, _v4, _v5, _v6, _v7, _v8, _archive_index, _listing_reads, _site_column,
              _run_profile_and_report_archive, _site_audit_index, _links, _site_in_views, _column_sweeps]
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(db: sqlite_utils.Database) -> int:
    """Apply every migration the file has not had yet; return the resulting version."""
    version = _schema_version(db)
    if version > SCHEMA_VERSION:
        raise DatabaseError(
            f"the database has schema version {version}, newer than this govwatch knows "
            f"({SCHEMA_VERSION}): upgrade govwatch"
        )
    while version < SCHEMA_VERSION:
        with write_transaction(db):
            # Read again under the write lock: another process may have migrated meanwhile.
            version = _schema_version(db)
            if version < SCHEMA_VERSION:
                MIGRATIONS[version](db)
                version += 1
                # PRAGMA takes no parameters; version is an int we computed.
                db.execute(f"PRAGMA user_version = {version}")
    return version


def _schema_version(db: sqlite_utils.Database) -> int:
    return db.execute("PRAGMA user_version").fetchone()[0]


def open_db(path: str | Path, *, read_only: bool = False) -> sqlite_utils.Database:
    """Open (and create or upgrade) the database at ``path``.

    WAL mode and a busy timeout let an auditor query the file while a crawl writes.
    With ``read_only`` the file is opened through a read-only URI and every statement
    passes an authorizer that allows only reading, so nothing that runs on that
    connection can change it or write another file. The schema is read at once, so a
    file that is no database, or whose schema is damaged, fails here as
    :class:`DamagedDatabase`.
    """
    path = Path(path)
    if read_only and not path.exists():
        raise DatabaseError(f"no database at {path}: run 'govwatch crawl' first")
    timeout = busy_timeout_ms()
    conn = None
    try:
        if read_only:
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        else:
            conn = sqlite3.connect(str(path))
        conn.execute(f"PRAGMA busy_timeout = {timeout}")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        db = sqlite_utils.Database(conn)
        if read_only:
            _read_only(conn, transactions=True)
        else:
            db.enable_wal()
            migrate(db)
        return db
    except sqlite3.Error as exc:
        if conn is not None:
            conn.close()
        raise explain(path, exc, "open database") from None
