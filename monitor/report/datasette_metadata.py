"""What Datasette shows about the database: every table's and column's meaning, and canned queries.

The descriptions are README.md's "Querying the database" in a form Datasette reads; a
test checks that every table, view and column of a real database is described here.
"""

from monitor.report.export import DOCUMENT_COLUMNS, LATE_COLUMNS
from storage.canned_queries import CANNED_QUERIES

TABLES = {
    "documents": ("One row per disclosure page, keyed by its canonical URL.", {
        "url": "canonical URL of the detail page (primary key)",
        "is_disclosure": "1 when the page carries a disclosure metadata block",
        "title": "the document's title",
        "index_no": "索引号, e.g. jingkaiquqtfj/2020-0000202",
        "doc_no": "文号 / 发文字号",
        "publisher": "发布机构 and its synonyms",
        "published_on": "公开日期 / 发布日期, ISO YYYY-MM-DD",
        "created_on": "formation date (成文日期 …), ISO, or null",
        "created_on_source": "metadata or body (signature date), null when unknown",
        "expires_on": "失效日期",
        "category": "信息类别 / 主题分类",
        "disclosure_method": "公开方式 (主动公开 …)",
        "scope": "公开范围",
        "breadcrumb": "JSON list of the column path as the page shows it, 首页 first, without the 正文 marker",
        "column_path": "the breadcrumb joined with ' >> ', for LIKE",
        "attachments": "JSON list of {name, url}",
        "body_text": "the text of the document",
        "fields": "JSON object of every label/value pair found on the page",
        "warnings": "JSON list of what the parser could not read (bad dates …)",
        "content_hash": "SHA-256 of the parsed record; unchanged pages keep it",
        "first_seen_at": "UTC time govwatch first saw the page",
        "last_seen_at": "UTC time govwatch last saw the page",
        "crawl_id": "the crawl that last saw it",
        "etag": "the page's HTTP ETag, to ask the portal whether it changed",
        "last_modified": "the page's HTTP Last-Modified, to ask the portal whether it changed",
        "verified_at": "UTC time a crawl last confirmed the page's content",
        "removed_at": "UTC time a full crawl found the page no longer listed, null while listed",
        "parser_version": "the parser version that last read the page",
    }),
    "attachments": ("One row per attachment link of a document.", {
        "id": "row id",
        "document_url": "the document (documents.url)",
        "name": "the link text",
        "url": "the attachment's URL",
        "sha256": "SHA-256 of the downloaded file, null when it was not downloaded",
        "size": "bytes downloaded",
        "fetched_at": "UTC time the file was downloaded",
        "warc_file": "the WARC file (in <db>.warc/) holding the file's bytes",
        "warc_offset": "the byte offset of its record in that file",
    }),
    "archive_records": ("The WARC archive's index: one row per record a crawl wrote.", {
        "id": "row id",
        "url": "the URL fetched (canonical)",
        "crawl_id": "the crawl (crawl_runs.id)",
        "fetched_at": "UTC time of the fetch",
        "status": "HTTP status of the answer",
        "record_type": "response, or revisit for a 304 (its bytes are in the record it refers to)",
        "content_type": "the Content-Type the portal sent",
        "warc_file": "the WARC file (in <db>.warc/)",
        "warc_offset": "the byte offset of the record in that file",
        "warc_record_id": "the record's WARC-Record-ID",
        "payload_sha256": "SHA-256 of the answer's body",
        "payload_size": "bytes of the answer's body",
        "refers_file": "for a revisit: the WARC file of the record holding the bytes",
        "refers_offset": "for a revisit: that record's offset",
    }),
    "column_reads": ("When each listing column was last read through all of its pages (incremental crawls).", {
        "url": "the column's first listing page (canonical)",
        "fully_read_at": "UTC time its last completed read to its last page began",
        "crawl_id": "the crawl that completed it (crawl_runs.id)",
    }),
    "column_sweeps": ("Columns being read to their last page a few pages a night (incremental crawls).", {
        "url": "the column's first listing page (canonical)",
        "resume_page": "the page the next night starts from (1: the first, newest page)",
        "started_at": "UTC time of the sweep's first night",
        "crawl_id": "the crawl that last moved it on (crawl_runs.id)",
    }),
    "listed_pages": ("Dated pages listings link that are not disclosure documents (news articles).", {
        "url": "the page (canonical)",
        "listed_on": "the date the listing shows beside it",
        "verified_at": "UTC time it was last fetched",
        "etag": "its ETag, for conditional requests",
        "last_modified": "its Last-Modified, for conditional requests",
        "crawl_id": "the crawl that last fetched it",
    }),
    "links": ("The link graph: each link a crawled page shows inside the portal, as the page was last read.", {
        "id": "row id",
        "from_url": "the page showing the link (canonical)",
        "to_url": "the link's target (canonical), attachments included",
        "text": "the link's text, else its title attribute",
        "crawl_id": "the crawl that last read the page",
    }),
    "link_checks": ("The last answer each link target gave a crawl: dead when 404/410 or a 5xx after retries.", {
        "url": "the target (canonical; primary key)",
        "status": "HTTP status of the answer; null when none came",
        "error": "why no answer came",
        "method": "GET (fetched by the crawl anyway), HEAD, or range (GET of its first byte after HEAD was refused)",
        "crawl_id": "the crawl that asked",
        "checked_at": "UTC time of the answer",
    }),
    "report_files": ("Annual-report files (PDF, Word …) downloaded from report pages and 年报 listings.", {
        "url": "the file's URL (primary key)",
        "page_url": "the page that links it: the report's page (documents.url) or the 年报 listing",
        "title": "the report's title: the page's, or the listing link's",
        "content_type": "the Content-Type the portal sent",
        "sha256": "SHA-256 of the file",
        "size": "bytes",
        "body": "the file itself when it is not in the archive; null for a file stored once, in its WARC record",
        "fetched_at": "UTC time it was last downloaded",
        "changed_at": "UTC time its content was first stored or last replaced",
        "crawl_id": "the crawl that last downloaded it",
        "warc_file": "the WARC file (in the crawl's archive_dir) holding the file's bytes; null when not archived",
        "warc_offset": "the byte offset of its record in that file",
    }),
    "crawl_runs": ("One row per crawl.", {
        "id": "crawl id",
        "started_at": "UTC start",
        "finished_at": "UTC end, null while running",
        "status": "running (also a killed crawl), finished, or Scrapy's close reason",
        "site": "the site crawled (its name in the sites file)",
        "start_urls": "JSON list of the start URLs",
        "pages_fetched": "pages fetched",
        "documents_new": "documents seen for the first time",
        "documents_updated": "documents whose content changed",
        "documents_unchanged": "documents seen again unchanged",
        "errors": "fetch errors",
        "body_ids": "JSON list: the article container ids of the site profile the crawl used",
        "body_classes": "JSON list: the article container classes of that profile",
        "archive_dir": "the directory the crawl wrote its WARC archive to; null when not archived",
    }),
    "fetch_errors": ("Pages a crawl could not fetch.", {
        "id": "row id",
        "crawl_id": "the crawl (crawl_runs.id)",
        "url": "the page",
        "status": "HTTP status, or null when there was no response",
        "error": "what went wrong",
        "at": "UTC time",
    }),
    "audit_runs": ("One row per audit, with its whole result.", {
        "id": "audit id",
        "ran_at": "UTC time of the audit",
        "date_from": "first publication date audited",
        "date_to": "last publication date audited",
        "report": "file or URL of the annual report whose claims were checked (a report file's URL when read from one)",
        "limits": "JSON list of the working-day limits",
        "result": "the whole audit as JSON, as govwatch audit --json prints it",
    }),
    "findings": ("Data-quality findings of each audit.", {
        "id": "row id",
        "audit_id": "the audit (audit_runs.id)",
        "kind": "duplicate_index_no, malformed_index_no, index_year_mismatch, index_serial_gap, "
                "missing_publisher, missing_date, published_in_future or published_before_formed",
        "url": "the document, null for a gap in index numbers",
        "index_no": "the index number concerned",
        "detail": "what is wrong, in words and figures",
    }),
    "workdays": ("The working-day calendar, rebuilt by each audit.", {
        "day": "ISO date",
        "is_workday": "1 on a working day (make-up weekends included), 0 on weekends and holidays",
        "seq": "working days from the table's first day through day",
    }),
    "crawl_notes": ("Pages a crawl could not read the usual way, e.g. listings rendered by JavaScript.", {
        "id": "row id",
        "crawl_id": "the crawl (crawl_runs.id)",
        "url": "the page",
        "kind": "rendered_by_javascript (a listing whose list a script renders), blank_listing (a column page "
                "listing nothing: 暂无信息), home_page (the dates the start page shows, JSON), attachment_skipped",
        "title": "the page's <title>",
        "detail": "what was seen, and whether document links were read from markup the page hides",
        "at": "UTC time",
    }),
    "document_versions": ("Every distinct content a document had.", {
        "id": "row id",
        "url": "the document (documents.url)",
        "content_hash": "SHA-256 of this version's parsed record",
        "fetched_at": "UTC time this version was fetched",
        "crawl_id": "the crawl that fetched it",
        "changed_fields": "JSON list of the fields that differ from the previous version",
        "record": "the parsed record as JSON",
        "parser_version": "the parser version that produced the record (crawler.parsing.PARSER_VERSION)",
        "reason": "new, portal (the page changed) or parser (a newer parser reads the page differently)",
        "warc_file": "the WARC file (in <db>.warc/) holding the bytes this version was read from",
        "warc_offset": "the byte offset of that record",
    }),
    "events": ("What happened to documents between crawls.", {
        "id": "row id",
        "url": "the document (documents.url)",
        "kind": "new, changed, removed, restored, backdated or date_changed",
        "crawl_id": "the crawl that saw it",
        "at": "UTC time",
        "detail": "JSON with the particulars (changed fields, old and new dates …)",
    }),
    "alerts": ("The mail alert queue: late publications and crawl-health failures.", {
        "id": "row id",
        "kind": "late or health",
        "key": "unique for ever: late:<url>:<limit> or health:<check>",
        "url": "the late document, null for health alerts",
        "limit_workdays": "the limit a late document exceeded",
        "subject": "the mail's subject",
        "payload": "JSON with what the mail says",
        "status": "pending, failed, sent or resolved",
        "attempts": "sending attempts",
        "error": "the last sending error",
        "created_at": "UTC time queued",
        "sent_at": "UTC time mailed",
        "resolved_at": "UTC time a health check passed again",
        "message_id": "Message-ID of the mail that last carried it; an unsent alert with one is resent as that mail",
    }),
    "publications": ("View: disclosure documents with the dimensions the counts group by.", {
        "url": "the document (documents.url)",
        "title": "the document's title",
        "publisher": "发布机构",
        "index_no": "索引号",
        "published_on": "公开日期, ISO",
        "year": "year of publication, YYYY",
        "month": "month of publication, YYYY-MM",
        "column_path": "the column path joined with ' >> '",
        "category": "信息类别 / 主题分类",
        "has_attachments": "1 when the document links attachments",
    }),
    "document_columns": ("View: one row per document per breadcrumb level, so a column counts with its "
                         "sub-columns.", {
        "url": "the document (documents.url)",
        "depth": "the level, 1 for the top column",
        "column_name": "the column's name at this level",
        "column_path": "the column path up to this level",
    }),
    "timeliness": ("View: working days each document took from formation to publication.", {
        "url": "the document (documents.url)",
        "title": "the document's title",
        "publisher": "发布机构",
        "index_no": "索引号",
        "column_path": "the column path",
        "created_on": "formation date",
        "created_on_source": "metadata or body (signature date)",
        "published_on": "publication date",
        "workdays": "working days d with formed < d <= published; null when unknown",
        "unknown_reason": "why workdays is null (a date or the calendar year missing)",
    }),
}

# Every table of portal data, and every view over documents, carries its site
# (storage.db's site migrations); the calendar is the fleet's.
SITE_COLUMN = "the site (its name in the sites file) the row belongs to"
for _columns in (TABLES[name][1] for name in TABLES if name != "workdays"):
    _columns.setdefault("site", SITE_COLUMN)

# What each canned query of ``storage.canned_queries`` is for; empty parameters fall back
# to the defaults named in each description.
DESCRIPTIONS = {
    "late_by_publisher": ("Late documents by publisher",
                          "Documents with both dates, and how many took more working days than :limit "
                          "(default 15), per site and publisher; :year empty for every year, :site empty for every site."),
    "late_documents": ("Late documents of one publisher",
                       "Documents of :publisher that took more working days than :limit (default 15); "
                       ":site empty for every site."),
    "claims_of_last_audit": ("Claims against observations of the last audit",
                             "Each figure of the annual report, what the portal shows, and the verdict, from the "
                             "newest audit of each site (:site empty) or of the site named."),
    "findings_by_kind": ("Findings of the last audit by kind",
                         "Findings of the newest audit of each site (:site empty) or of the site named, counted "
                         "by kind."),
    "column_month_documents": ("Documents of one column in one month",
                               "Documents under :column (a column name such as 政策解读, at any depth) "
                               "published in :month (YYYY-MM); :site empty for every site."),
    "fleet_ranking": ("The fleet: every site on the same figures",
                      "Per site, the share of documents late against 15 and 20 working days (:year empty for "
                      "every year), its newest audit's contradicted claims and rule findings, and the share of "
                      "its links whose target was found dead, and whether its reports met Article 49's "
                      "deadline (1 met, 0 missed); worst first. Null is unknown."),
}
QUERIES = {name: {"title": title, "description": description, **CANNED_QUERIES[name]}
           for name, (title, description) in DESCRIPTIONS.items()}


# The Chinese names of the documents' columns (and the publications view's), which the
# description of each column begins with: the words of the portals and of the exports.
CHINESE_COLUMNS = {
    **{key: header for key, header, _kind in DOCUMENT_COLUMNS + LATE_COLUMNS},
    "url": "网址（主键）", "is_disclosure": "是否政府信息公开文件", "expires_on": "失效日期", "scope": "公开范围",
    "breadcrumb": "栏目路径（JSON）", "attachments": "附件（JSON）", "body_text": "正文", "fields": "页面字段（JSON）",
    "warnings": "解析提示（JSON）", "content_hash": "内容哈希", "first_seen_at": "首次发现时间（UTC）",
    "last_seen_at": "最近发现时间（UTC）", "crawl_id": "采集批次", "etag": "ETag", "last_modified": "Last-Modified",
    "verified_at": "最近核实时间（UTC）", "removed_at": "下架时间（UTC）", "parser_version": "解析器版本", "site": "站点",
}
# Newest first: the order a reader of a disclosure list expects.
DOCUMENT_TABLE = {"sort_desc": "published_on"}


def _labelled(table: str, columns: dict) -> dict:
    if table not in ("documents", "publications"):
        return columns
    return {name: f"{CHINESE_COLUMNS[name]}：{text}" if name in CHINESE_COLUMNS else text
            for name, text in columns.items()}


def metadata(database: str) -> dict:
    """Datasette metadata for the database Datasette names ``database`` (its file's stem)."""
    return {
        "title": "govwatch",
        "description": "Government information-disclosure documents crawled by govwatch, and its audits. "
                       "Read-only.",
        "databases": {
            database: {
                "tables": {name: {"description": description, "columns": _labelled(name, columns),
                                  **(DOCUMENT_TABLE if name == "documents" else {})}
                           for name, (description, columns) in TABLES.items()},
                "queries": QUERIES,
            }
        },
    }
