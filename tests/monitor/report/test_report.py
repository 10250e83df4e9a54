"""The HTML report of the sample portal's real audit: every section, figures equal to the
audit's JSON, chart points equal to SQL counts, nothing loaded from the network, portal
text escaped."""

import copy
import datetime as dt
import hashlib
import json
import os
import re
import shutil
from collections import Counter
from pathlib import Path

import lxml.html
import pytest

from storage.publications import COUNT_QUERIES
from monitor.labels import label, labelled_audit
from monitor.report.html import SECTIONS, render_report, write_report
from tests.conftest import govwatch
from tests.sqlite_rows import query

# Audits and reports on the crawled sample portal in subprocesses.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(crawled_db, tmp_path_factory):
    """The sample crawl audited by ``govwatch audit --json``, then reported by ``govwatch report``."""
    path = tmp_path_factory.mktemp("report") / "govwatch.db"
    shutil.copy(crawled_db, path)
    audit = govwatch("audit", "--db", path, "--year", 2020, "--json")
    assert audit.returncode == 0, audit.stderr
    out = path.with_name("report.html")
    report = govwatch("report", "--db", path, "--year", 2020, "--out", out)
    assert report.returncode == 0, report.stderr
    assert f"wrote {out}" in report.stdout
    return {"db": path, "audit": json.loads(audit.stdout), "html": out.read_text(encoding="utf-8"), "path": out}


@pytest.fixture(scope="module")
def page(built):
    return lxml.html.fromstring(built["html"])


def test_every_section_is_there_with_its_heading(page):
    for anchor, title in SECTIONS:
        section = page.get_element_by_id(anchor)
        assert section.tag == "section"
        assert section.findtext("h2") == title  # English: the tests' language (tests/conftest.py)
    assert [a.get("href") for a in page.cssselect("nav a")] == [f"#{anchor}" for anchor, _ in SECTIONS]


def test_headline_figures_equal_the_audit(page, built):
    audit = built["audit"]
    shown = {li.get("data-headline"): int(li.findtext("b")) for li in page.cssselect(".headline li")}
    assert shown == {
        "documents": audit["totals"]["documents"],
        "late_15": audit["timeliness"]["late"]["15"],
        "late_20": audit["timeliness"]["late"]["20"],
        "claims_differ": sum(1 for claim in audit["claims"] if claim["status"] in ("short", "over")),
        "rules_failed": sum(1 for rule in audit["consistency"] if rule["passed"] is False),
        "findings": len(audit["findings"]),
    }


def test_crawl_section_states_the_crawl_behind_the_figures(page, built):
    crawl = built["audit"]["totals"]["last_crawl"]
    facts = {dd.get("data-fact"): dd.text_content() for dd in page.cssselect("#crawl dd")}
    assert facts["pages fetched"] == str(crawl["pages_fetched"])
    assert facts["fetch errors"] == str(crawl["errors"])
    # Stored in UTC, shown in the portal's zone with the zone named: 8 hours ahead in Shanghai.
    started = dt.datetime.fromisoformat(crawl["started_at"].replace("Z", "+00:00"))
    assert facts["started"] == f"{started + dt.timedelta(hours=8):%Y-%m-%d %H:%M:%S} Asia/Shanghai"
    assert facts["documents published in the period"] == str(built["audit"]["totals"]["documents"])


def test_count_tables_equal_the_audit(page, built):
    for name, counts in built["audit"]["counts"].items():
        if name == "by_month":
            continue
        table = page.cssselect(f'table[data-count="{name}"]')[0]
        shown = {row[0].text_content(): int(row[1].get("data-value")) for row in table.cssselect("tbody tr")}
        assert shown == counts, name


def test_claims_table_equals_the_audit(page, built):
    claims = built["audit"]["claims"]
    rows = page.cssselect("#claims-table tbody tr")
    assert [row.get("data-key") for row in rows] == [claim["key"] for claim in claims]
    for row, claim in zip(rows, claims):
        assert row.cssselect(".claimed")[0].get("data-value") == str(claim["value"])
        observed = row.cssselect(".observed")[0].get("data-value")
        assert observed == ("–" if claim["observed"] is None else str(claim["observed"]))
        # The stable key for scripts, its name for people.
        assert row[4].get("data-status") == claim["status"]
        assert row[4].text_content() == claim["status_label"] == label("status", claim["status"])
    assert Counter(claim["status"] for claim in claims)["short"] >= 1  # the sample plants a short claim


def test_claims_chart_draws_each_observable_claim(page, built):
    observable = {claim["key"]: claim for claim in built["audit"]["claims"] if claim["observed"] is not None}
    bars = page.cssselect("#claims svg rect[data-claim]")
    drawn = {(bar.get("data-claim"), bar.get("data-series")): bar for bar in bars}
    assert {key for key, _ in drawn} == set(observable)
    for key, claim in observable.items():
        assert drawn[key, "claimed"].get("data-value") == str(claim["value"])
        assert drawn[key, "observed"].get("data-value") == str(claim["observed"])
        assert drawn[key, "observed"].get("data-status") == claim["status"]
        assert drawn[key, "observed"].findtext("title") == f"{claim['label']} observed: {claim['observed']}"


def test_consistency_rules_equal_the_audit(page, built):
    rules = built["audit"]["consistency"]
    rows = page.cssselect("#consistency-table tbody tr")
    verdicts = {True: "pass", False: "FAIL", None: "incomplete"}
    assert [(row.get("data-rule"), row.get("data-passed")) for row in rows] == [
        (rule["rule"], verdicts[rule["passed"]]) for rule in rules
    ]


def test_monthly_chart_points_equal_the_sql_counts(page, built):
    bars = page.cssselect("#monthly svg rect[data-category]")
    drawn = {(bar.get("data-category"), bar.get("data-series")): int(bar.get("data-value")) for bar in bars}
    expected = query(built["db"], "SELECT substr(published_on, 1, 7), publisher, count(*) FROM documents"
                     " WHERE is_disclosure = 1 AND published_on LIKE '2020-%' GROUP BY 1, 2")
    assert drawn == {(month, publisher): n for month, publisher, n in expected}
    per_month, per_publisher = Counter(), Counter()
    for (month, publisher), n in drawn.items():
        per_month[month] += n
        per_publisher[publisher] += n
    assert per_month == built["audit"]["counts"]["by_month"]
    assert per_publisher == built["audit"]["counts"]["by_publisher"]
    totals = {t.get("data-category"): int(t.get("data-total")) for t in page.cssselect("#monthly svg text[data-total]")}
    assert totals == built["audit"]["counts"]["by_month"]


def test_delay_histogram_points_equal_the_sql_counts_and_the_audit(page, built):
    timely = built["audit"]["timeliness"]
    bars = page.cssselect("#delays svg rect[data-workdays]")
    drawn = {int(bar.get("data-workdays")): int(bar.get("data-value")) for bar in bars}
    expected = query(built["db"], "SELECT workdays, count(*) FROM timeliness WHERE published_on LIKE '2020-%'"
                     " AND workdays IS NOT NULL GROUP BY workdays")
    assert drawn == dict(expected)
    assert sum(drawn.values()) == timely["checked"]
    assert sum(n for days, n in drawn.items() if days < 0) == timely["negative"]
    for limit in timely["limits"]:
        assert sum(n for days, n in drawn.items() if days > limit) == timely["late"][str(limit)]
    assert [int(line.get("data-limit")) for line in page.cssselect("#delays svg line.limit")] == [15, 20]
    assert {s.get("data-late"): s.text_content() for s in page.cssselect("#delays [data-late]") if s.tag == "span"} \
        == {key: str(value) for key, value in timely["late"].items()}


def test_late_table_lists_every_late_document_with_a_link(page, built):
    late = built["audit"]["timeliness"]["late_items"]
    rows = page.cssselect("#late-table tbody tr")
    assert len(rows) == len(late) > 0
    shown = {(row.cssselect("a")[0].get("href"), int(row[0].text_content())) for row in rows}
    assert shown == {(item["url"], item["workdays"]) for item in late}
    assert page.cssselect("#late-table")[0].get("class") == "sortable"


def test_findings_counts_and_rows_equal_the_audit(page, built):
    findings = built["audit"]["findings"]
    kinds = {row.get("data-kind"): int(row[1].get("data-value")) for row in page.cssselect("#findings-by-kind tbody tr")}
    assert kinds == Counter(finding["kind"] for finding in findings)
    assert len(page.cssselect("#findings-table tbody tr")) == len(findings) > 0


def test_sql_behind_each_figure_is_shown(page, built):
    shown = [pre.text_content() for pre in page.cssselect("details.sql pre")]
    for sql in COUNT_QUERIES.values():
        assert sql in shown
    for claim in built["audit"]["claims"]:
        if claim["sql"]:
            assert claim["sql"] in shown
    assert any("CREATE VIEW timeliness" in sql for sql in shown)


def test_nothing_is_loaded_from_elsewhere(page, built):
    html = built["html"]
    assert not page.cssselect("[src], link, iframe, object, embed, img")
    styles = " ".join(style.text_content() for style in page.cssselect("style"))
    assert not re.search(r"@import|url\(|https?:", styles)
    scripts = page.cssselect("script")
    assert len(scripts) == 1 and "http" not in scripts[0].text_content()
    portal = json.loads(built["audit"]["totals"]["last_crawl"]["start_urls"])[0].rstrip("/")
    for link in page.cssselect("a[href]"):
        assert link.get("href").startswith(("#", portal + "/")), link.get("href")
    # Besides links to the portal, the only URL is the SVG namespace's name, which is never fetched.
    assert set(re.findall(r"https?://[^/\"'<\s]+", html)) == {"http://www.w3.org", portal}


def test_portal_text_is_escaped(built):
    hostile = "<script>alert(1)</script>"
    result = copy.deepcopy(built["audit"])
    result["timeliness"]["late_items"][0].update(title=hostile, publisher=hostile, url="javascript:alert(1)")
    result["findings"][0]["detail"] = hostile
    result["claims"][0]["quote"] = hostile
    extra = {
        "monthly_by_publisher": {"sql": "SELECT 1", "params": {}, "rows": [{"month": "2020-01", "publisher": hostile, "n": 3}]},
        "delay_histogram": {"sql": "SELECT 1", "params": {}, "rows": [{"workdays": 3, "n": 1}]},
        "fetch_errors": {"sql": "SELECT 1", "params": {}, "rows": [{"url": "http://x/<b>", "status": 404, "error": hostile, "at": "t"}]},
    }
    result["counts"]["by_publisher"] = {hostile: 3}
    html = render_report(result, result["totals"]["last_crawl"], extra)
    assert hostile not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    page = lxml.html.fromstring(html)
    assert len(page.cssselect("script")) == 1
    assert not [a for a in page.cssselect("a[href]") if a.get("href").startswith("javascript:")]
    assert page.cssselect("#monthly svg rect[data-value]")[0].get("data-series") == hostile


def test_report_without_an_annual_report_says_so(built):
    result = copy.deepcopy(built["audit"])
    result.update(report=None, claims=[], consistency=[])
    empty = {"sql": "SELECT 1", "params": {}, "rows": []}
    page = lxml.html.fromstring(render_report(result, None, dict.fromkeys(("monthly_by_publisher", "delay_histogram", "fetch_errors"), empty)))
    assert "No annual report" in page.get_element_by_id("claims").text_content()
    assert "No crawl is recorded" in page.get_element_by_id("crawl").text_content()
    assert not page.cssselect("#monthly svg")


def test_missing_database_is_one_line_usage_error(tmp_path):
    done = govwatch("report", "--db", tmp_path / "none.db", "--out", tmp_path / "r.html")
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "no database" in done.stderr
    assert not (tmp_path / "r.html").exists()


def test_chart_texts_carry_their_classes(page, built):
    assert "class-=" not in built["html"]
    assert page.cssselect("#claims svg text.value") and page.cssselect("#delays svg text.tick")


def report(db, tmp_path, *options) -> tuple:
    """``govwatch report`` with ``options``: the run and the page it wrote."""
    out = tmp_path / "report.html"
    done = govwatch("report", "--db", db, "--out", out, *options)
    return done, lxml.html.fromstring(out.read_text(encoding="utf-8")) if done.returncode == 0 else None


def test_without_a_year_the_report_is_of_the_latest_year_with_an_annual_report(crawled_copy, tmp_path):
    done, page = report(crawled_copy, tmp_path)
    assert done.returncode == 0, done.stderr
    # The sample portal's reports: the one on 2020, published in 2021.
    title = "临沂经济技术开发区2020年政府信息公开工作年度报告"
    assert re.fullmatch(rf"127\.0\.0\.1:\d+: audit of the annual report 《{title}》", page.findtext("head/title"))
    assert page.findtext("body/main/h1") == page.findtext("head/title")
    assert f"The annual report 《{title}》" in page.get_element_by_id("claims").text_content()
    memo = page.cssselect('dd[data-memo="report"] a')[0]
    assert memo.text_content() == title and memo.get("href").startswith("http://127.0.0.1:")


def test_the_report_takes_the_audit_options(crawled_copy, tmp_path):
    annual = Path(__file__).parents[2] / "files" / "reports" / "leda-2020-annual-report.md"
    done, page = report(crawled_copy, tmp_path, "--from", "2020-03-01", "--to", "2020-05-31", "--limit", 10,
                        "--report", annual, "--site", "leda")
    assert done.returncode == 0, done.stderr
    (documents,), = query(crawled_copy, "SELECT count(*) FROM documents WHERE is_disclosure = 1"
                                        " AND published_on BETWEEN '2020-03-01' AND '2020-05-31'")
    shown = {li.get("data-headline"): int(li.findtext("b")) for li in page.cssselect(".headline li")}
    assert shown["documents"] == documents and "late_10" in shown and "late_15" not in shown
    assert str(annual) in page.get_element_by_id("claims").text_content()


def test_a_report_of_a_period_without_documents_names_the_dates_the_database_holds(crawled_copy, tmp_path):
    done, page = report(crawled_copy, tmp_path, "--year", 2031)
    assert done.returncode == 0, done.stderr
    (first, last), = query(crawled_copy, "SELECT min(published_on), max(published_on) FROM documents"
                                         " WHERE is_disclosure = 1")
    assert done.stderr == (f"govwatch report: no documents were published 2031-01-01 .. 2031-12-31;"
                           f" the database holds documents published {first} .. {last}\n")
    lead = page.cssselect("#counts p.lead")[0].text_content()
    assert lead.endswith(f"The database holds documents published {first} – {last}.")


def test_a_reversed_period_is_a_usage_error_for_the_report(crawled_copy, tmp_path):
    done, _ = report(crawled_copy, tmp_path, "--from", "2021-01-01", "--to", "2020-01-01")
    assert done.returncode == 2
    assert done.stderr == "govwatch report: the period 2021-01-01 .. 2020-01-01 ends before it starts\n"
    assert not (tmp_path / "report.html").exists()


def test_the_report_reads_a_read_only_file_and_records_nothing(crawled_copy, tmp_path):
    audit = govwatch("audit", "--db", crawled_copy, "--year", 2020, "--json")
    assert audit.returncode == 0, audit.stderr
    recorded = json.loads(audit.stdout)
    assert recorded.pop("audit_id") == 1
    # The file alone is made read-only: SQLite may still need to create the WAL index beside it.
    crawled_copy.chmod(0o444)
    before = hashlib.sha256(crawled_copy.read_bytes()).hexdigest()
    done = govwatch("report", "--db", crawled_copy, "--year", 2020, "--out", tmp_path / "report.html")
    assert done.returncode == 0, done.stderr
    _, result = write_report(crawled_copy, tmp_path / "again.html", year=2020)
    assert hashlib.sha256(crawled_copy.read_bytes()).hexdigest() == before
    assert query(crawled_copy, "SELECT count(*) FROM audit_runs") == [(1,)]
    assert json.loads(json.dumps(labelled_audit(result), ensure_ascii=False, default=str)) == recorded
    # The two reports differ only in when they were generated.
    generated = re.compile(r'<dd data-memo="generated">[^<]*</dd>')
    page = generated.sub("", (tmp_path / "report.html").read_text(encoding="utf-8"))
    assert page == generated.sub("", (tmp_path / "again.html").read_text(encoding="utf-8"))
    assert "not recorded in it" in page and "findings of this audit by kind" not in page


# --- the report in each language ------------------------------------------------------


@pytest.fixture(scope="module")
def built_zh(built):
    """The same audit reported in Chinese, govwatch's default language (``--lang zh``)."""
    out = built["path"].with_name("report-zh.html")
    done = govwatch("--lang", "zh", "report", "--db", built["db"], "--year", 2020, "--out", out)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"已写入 {out}")
    return {"html": out.read_text(encoding="utf-8"), "path": out}


def visible_text(html: str) -> str:
    """What a reader sees without unfolding anything: no script, style or folded SQL."""
    page = lxml.html.fromstring(html)
    for hidden in page.cssselect("script, style, details.sql"):
        hidden.drop_tree()
    return page.text_content()


def code_words() -> set[str]:
    """Every stable key a person must never be shown as a name."""
    from monitor.labels import GROUPS

    return {key for table in GROUPS.values() for key in table if "_" in key}


def english_messages() -> set[str]:
    """The catalogue's English sentences and headings of more than one word."""
    from monitor.i18n import translations

    catalogue = translations("zh")._catalog
    return {msgid for msgid, msgstr in catalogue.items()
            if isinstance(msgid, str) and " " in msgid.strip() and "{" not in msgid and msgid != msgstr}


def english_phrases() -> set[str]:
    """The English words between the placeholders of the catalogue's messages
    (``"{n} cell(s) for {width} columns: …"`` gives "cell(s) for" and "columns: …"), of two words or more."""
    import string

    from monitor.i18n import translations

    return {literal.strip() for msgid, msgstr in translations("zh")._catalog.items()
            if isinstance(msgid, str) and "{" in msgid and msgid != msgstr
            for literal, _name, _spec, _conv in string.Formatter().parse(msgid)
            if len(re.findall(r"[A-Za-z]{2,}", literal)) >= 2}


def test_the_chinese_report_shows_no_code_word_and_no_english_sentence(built_zh):
    page = lxml.html.fromstring(built_zh["html"])
    assert page.get("lang") == "zh-Hans"
    text = visible_text(built_zh["html"])
    assert [word for word in code_words() if word in text] == []
    assert [message for message in english_messages() if message in text] == []
    # Nor the English of a sentence with figures in it (rule details, findings, the crawl's status).
    phrases = english_phrases()
    assert {"cell(s) for", "days old on", "pages fetched in"} <= phrases
    assert [phrase for phrase in phrases if phrase in text] == []
    assert not re.search(r"\b(finished|metadata|notice column|news column)\b", text)
    assert "取自页面元数据" in page.get_element_by_id("late").text_content()
    assert "已完成" in page.get_element_by_id("crawl").text_content()
    assert "有附件" in page.get_element_by_id("counts").text_content()
    from monitor.i18n import translations

    for anchor, title in SECTIONS:
        heading = page.get_element_by_id(anchor).findtext("h2")
        assert heading == translations("zh").gettext(title) != title
    assert page.get_element_by_id("late").findtext("h2") == "超时公开的文件"
    headings = [node.text_content() for node in page.cssselect("h2, h3, th")]
    assert all(not re.search(r"[A-Za-z]{3,}", heading) or heading == "p90" for heading in headings), headings


def test_the_chinese_report_says_in_words_what_was_compared(built_zh, built):
    page = lxml.html.fromstring(built_zh["html"])
    claim = next(c for c in built["audit"]["claims"] if c["key"] == "portal_items")
    row = page.cssselect('#claims-table tr[data-key="portal_items"]')[0]
    assert row[0].text_content() == "门户网站主动公开信息条数"
    assert row.cssselect(".claimed")[0].text_content() == f"年报称 {claim['value']} {claim['unit']}"
    assert row.cssselect(".observed")[0].text_content() == (
        f"门户网站 2020 年公开日期的政府信息公开文件 {claim['observed']:,} {claim['unit']}")
    assert row[4].text_content() == {"match": "一致", "short": "少于所称"}[claim["status"]]
    short = page.cssselect('#claims-table td[data-status="short"]')
    assert short and all(cell.text_content() == "少于所称" for cell in short)
    # The same documents counted by category and by column: the report says why figures repeat.
    assert "同一文件既按信息类别计一次，又按栏目计一次" in page.get_element_by_id("counts").text_content()
    late = page.cssselect('#late p.lead')[0].text_content()
    assert "15 个工作日（年报自述）" in late
    assert "《中华人民共和国政府信息公开条例》第二十六条" in page.cssselect(".headline")[0].text_content()


def test_the_report_header_is_fit_for_a_memo(built_zh, built):
    from crawler import __version__

    page = lxml.html.fromstring(built_zh["html"])
    memo = {dd.get("data-memo"): dd.text_content() for dd in page.cssselect("dd[data-memo]")}
    assert memo["version"] == __version__
    assert memo["database"] == str(built["db"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d Asia/Shanghai", memo["generated"])
    crawl = built["audit"]["totals"]["last_crawl"]
    assert memo["crawl"].startswith(f"第 {crawl['id']} 次，") and memo["crawl"].count("Asia/Shanghai") == 2
    assert "政府信息公开工作年度报告" in memo["report"]
    assert "核查报告" in page.findtext("head/title") and "127.0.0.1" in page.findtext("head/title")


def test_the_english_report_shows_no_code_word_and_no_chinese_heading(built):
    page = lxml.html.fromstring(built["html"])
    assert page.get("lang") == "en"
    text = visible_text(built["html"])
    assert [word for word in code_words() if word in text] == []
    headings = [node.text_content() for node in page.cssselect("h2, h3, th, nav a, .headline a")]
    from monitor.i18n import translations

    chinese = {msgstr for msgid, msgstr in translations("zh")._catalog.items()
               if isinstance(msgid, str) and msgid and "{" not in msgstr and len(msgstr) > 3}
    assert [(h, c) for h in headings for c in chinese if c in h] == []


def test_the_terminal_audit_lists_the_top_late_documents_in_chinese(built, chinese):
    done = govwatch("audit", "--db", built["db"], "--year", 2020, "--top", 3, env={**os.environ, "COLUMNS": "200"})
    assert done.returncode == 0, done.stderr
    items = sorted(built["audit"]["timeliness"]["late_items"], key=lambda item: (-item["workdays"], item["url"]))
    total = len(items)
    assert f"超时公开文件 {total} 件中最晚的 3 件" in done.stdout
    for item in items[:3]:
        assert item["title"][:12] in done.stdout
    assert items[3]["title"][:20] not in done.stdout or items[3]["title"][:20] in items[2]["title"]
    assert "门户网站主动公开信息条数" in done.stdout and "portal_items" not in done.stdout
    none = govwatch("audit", "--db", built["db"], "--year", 2020, "--top", 0)
    assert "最晚的" not in none.stdout
    negative = govwatch("audit", "--db", built["db"], "--year", 2020, "--top", -1)
    assert negative.returncode == 2 and negative.stderr == "govwatch audit: --top must be 0 or more, not -1\n"
