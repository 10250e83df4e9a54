"""A fleet of portals crawled in one run into one database: three sample portals on three
ports, each site's rows carrying its name, and a dead site that fails alone."""

import json
import socket
import sqlite3
from contextlib import ExitStack

import pytest

from monitor.demo.sample_portal.model import ground_truth
from monitor.demo.sample_portal.server import serve
from tests.conftest import govwatch
from tests.sqlite_rows import query

pytestmark = pytest.mark.slow

SIZE = 300
SEEDS = {"alpha": 11, "beta": 12, "gamma": 13}


def sites_file(path, urls: dict[str, str]) -> None:
    """A sites file with one [[sites]] table per site, claims observed as leda's are."""
    tables = [f'[[sites]]\nname = "{name}"\ntitle = "{name} portal"\nstart_urls = ["{url}/"]\n'
              f'[sites.claims]\nportal_items = {{ observe = "documents" }}\n' for name, url in urls.items()]
    path.write_text("\n".join(tables), encoding="utf-8")


def dead_url() -> str:
    """A port of 127.0.0.1 nothing listens on: a site that is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


def per_site(db, sql: str) -> dict:
    conn = sqlite3.connect(db)
    try:
        return dict(conn.execute(sql).fetchall())
    finally:
        conn.close()


@pytest.fixture(scope="module")
def fleet(tmp_path_factory):
    """Three portals served on three ports, crawled together, then the third gone dead."""
    folder = tmp_path_factory.mktemp("fleet")
    with ExitStack() as stack:
        portals = {name: stack.enter_context(serve(seed=seed, size=SIZE)) for name, seed in SEEDS.items()}
        sites_file(folder / "sites.toml", {name: portal.url for name, portal in portals.items()})
        together = govwatch("crawl", "--sites", folder / "sites.toml", "--db", folder / "fleet.db", "--timeout", 5)
        urls = {name: portal.url for name, portal in portals.items()} | {"gamma": dead_url()}
        sites_file(folder / "dead.toml", urls)
        dead = govwatch("crawl", "--sites", folder / "dead.toml", "--db", folder / "dead.db", "--timeout", 2)
    return folder, together, dead


def test_three_portals_crawled_in_one_run_hold_each_ones_ground_truth(fleet):
    folder, together, _ = fleet
    assert together.returncode == 0, together.stderr
    expected = {name: ground_truth(seed, 0, SIZE)["documents"] for name, seed in SEEDS.items()}
    db = folder / "fleet.db"
    assert per_site(db, "SELECT site, count(*) FROM documents WHERE removed_at IS NULL GROUP BY site") == expected
    # Each document is under its own portal's host, and each site's crawl is its own run.
    hosts = per_site(db, "SELECT site, count(DISTINCT substr(url, 1, instr(substr(url, 8), '/') + 7))"
                         " FROM documents GROUP BY site")
    assert hosts == dict.fromkeys(SEEDS, 1)
    assert per_site(db, "SELECT site, status FROM crawl_runs") == dict.fromkeys(SEEDS, "finished")
    assert [line.split()[4] for line in together.stdout.splitlines() if line.startswith("Crawl ")] == list(SEEDS)


def test_a_dead_site_fails_alone_and_the_others_are_complete(fleet):
    folder, _, dead = fleet
    assert dead.returncode == 1
    db = folder / "dead.db"
    counts = per_site(db, "SELECT site, count(*) FROM documents WHERE removed_at IS NULL GROUP BY site")
    assert counts == {name: ground_truth(SEEDS[name], 0, SIZE)["documents"] for name in ("alpha", "beta")}
    runs = per_site(db, "SELECT site, pages_fetched FROM crawl_runs")
    assert runs["gamma"] == 0 and runs["alpha"] > 0 and runs["beta"] > 0
    # The failure is one line naming the dead site's crawl, not the others'.
    [gamma_run] = per_site(db, "SELECT id, site FROM crawl_runs WHERE site = 'gamma'")
    assert f"crawl {gamma_run} fetched nothing" in dead.stderr
    assert dead.stderr.count("fetched nothing") == 1 and "Traceback" not in dead.stderr


def test_the_fleet_ranking_gives_each_sites_share_late_from_its_ground_truth(fleet):
    from monitor.audit.timeliness import refresh_workdays
    from monitor.audit.workdays import OFFICIAL
    from storage.canned_queries import FLEET_RANKING
    from storage.db import open_db

    folder, _, _ = fleet
    # The calendar every audit writes first, which the timeliness view counts by.
    db = open_db(folder / "fleet.db")
    refresh_workdays(db, OFFICIAL)
    db.close()
    conn = sqlite3.connect(folder / "fleet.db")
    try:
        rows = conn.execute(FLEET_RANKING, {"year": "2020"}).fetchall()
    finally:
        conn.close()
    expected = []
    for name, seed in SEEDS.items():
        year = ground_truth(seed, 0, SIZE)["timeliness"]["2020"]
        checked = year["checked"]
        expected.append((name, checked, round(100.0 * year["late"]["15"] / checked, 1),
                         round(100.0 * year["late"]["20"] / checked, 1)))
    expected.sort(key=lambda row: (-row[2], -row[3], row[0]))
    assert [row[:4] for row in rows] == expected
    # No audit yet: its figures, and the slots other checks fill, are unknown.
    assert {row[4:8] + row[9:] for row in rows} == {(None,) * 5}
    # The dead-link rate: dead links over the links whose target answered, per site.
    statuses = {}
    for site, status in query(folder / "fleet.db", "SELECT l.site, c.status FROM links AS l"
                                                   " LEFT JOIN link_checks AS c ON c.url = l.to_url"):
        statuses.setdefault(site, []).append(status)
    answered = {site: [s for s in found if s is not None] for site, found in statuses.items()}
    assert {row[0]: row[8] for row in rows} == {
        site: round(100.0 * sum(s in (404, 410) or s >= 500 for s in found) / len(found), 1)
        for site, found in answered.items()}
    assert all(row[8] > 0 for row in rows)  # each site has the sample portal's planted dead links


@pytest.fixture(scope="module")
def audited(fleet, tmp_path_factory):
    """A copy of the fleet's database audited on 2020: every site at once as JSON, one site
    named, and every site at the terminal."""
    folder, _, _ = fleet
    db = tmp_path_factory.mktemp("audited") / "fleet.db"
    source, copy = sqlite3.connect(folder / "fleet.db"), sqlite3.connect(db)
    source.backup(copy)
    source.close(), copy.close()
    options = ("--sites", folder / "sites.toml", "--db", db, "--year", 2020)
    every, alpha, terminal = (govwatch("audit", *options, *more) for more in (
        ("--json",), ("--site", "alpha", "--json"), ()))
    report = govwatch("report", *options, "--out", db.parent / "fleet.html")
    for result in (every, alpha, terminal, report):
        assert result.returncode == 0, result.stderr
    return db, json.loads(every.stdout), json.loads(alpha.stdout), terminal.stdout


def test_each_sites_audit_holds_its_own_portals_ground_truth(audited):
    _, every, _, _ = audited
    assert list(every) == list(SEEDS)
    for name, seed in SEEDS.items():
        truth, result = ground_truth(seed, 0, SIZE), every[name]
        planted, timely = truth["timeliness"]["2020"], result["timeliness"]
        assert result["totals"]["documents"] == truth["by_year"]["2020"]
        assert result["totals"]["documents_all_time"] == sum(truth["by_year"].values())
        assert (timely["checked"], timely["unknown"], timely["late"]) == (
            planted["checked"], planted["unknown"], planted["late"])
        assert result["totals"]["last_crawl"]["site"] == name
        [claim] = [claim for claim in result["claims"] if claim["key"] == "portal_items"]
        assert claim["observed"] == truth["by_year"]["2020"]


def test_one_site_named_is_audited_in_the_shape_of_a_single_sites_audit(audited):
    db, every, alpha, _ = audited
    assert set(alpha) == set(every["alpha"]) and "year" in alpha
    assert {key: alpha[key] for key in ("totals", "counts", "timeliness", "claims")} == {
        key: every["alpha"][key] for key in ("totals", "counts", "timeliness", "claims")}
    # Every audit is recorded under its site.
    assert per_site(db, "SELECT site, count(*) FROM audit_runs GROUP BY site") == {"alpha": 3, "beta": 2, "gamma": 2}
    assert per_site(db, "SELECT DISTINCT a.site, f.site FROM findings AS f JOIN audit_runs AS a ON a.id = f.audit_id"
                        " WHERE a.site <> f.site") == {}


def test_the_terminal_shows_one_block_per_site(audited):
    *_, terminal = audited
    heads = [line for line in terminal.splitlines() if line.startswith("Site ")]
    assert heads == [f"Site {name}: {name} portal" for name in SEEDS]
    assert terminal.count("Audit ") >= len(SEEDS)


def test_a_site_neither_the_sites_file_nor_the_database_holds_is_named_in_one_line(fleet, tmp_path):
    folder, _, _ = fleet
    unknown = govwatch("audit", "--sites", folder / "sites.toml", "--site", "delta", "--db", folder / "fleet.db")
    assert unknown.returncode == 2 and "Traceback" not in unknown.stderr
    assert unknown.stderr.strip().endswith("unknown site 'delta'; known sites: alpha, beta, gamma")
    # A sites file that knows a site the database holds none of.
    (tmp_path / "more.toml").write_text((folder / "sites.toml").read_text(encoding="utf-8")
                                        + '[[sites]]\nname = "delta"\nstart_urls = ["http://127.0.0.1:9/"]\n',
                                        encoding="utf-8")
    absent = govwatch("audit", "--sites", tmp_path / "more.toml", "--site", "delta", "--db", folder / "fleet.db")
    assert absent.returncode == 2 and absent.stderr.count("\n") == 1
    assert absent.stderr.strip().endswith("holds no site 'delta'; it holds alpha, beta, gamma")


def test_the_fleet_page_ranks_the_sites_as_their_audits_and_its_sql_do(audited):
    import lxml.html

    from storage.canned_queries import FLEET_RANKING
    from tests.sqlite_rows import query

    db, every, _, _ = audited
    page = lxml.html.parse(str(db.parent / "fleet.html")).getroot()
    shown = [[cell.text_content().strip() for cell in row.xpath("td[@data-figure]")]
             for row in page.xpath("//table[@data-table='fleet']/tbody/tr")]
    order = [cell.get("data-site") for cell in page.xpath("//table[@data-table='fleet']/tbody/tr/td[1]")]

    def text(value):
        return "unknown" if value is None else f"{value:g}" if isinstance(value, float) else str(value)

    # The figures each site's own audit (compute_audit) gives, ranked worst first.
    by_audit = sorted(
        ([name, timely["checked"], round(100.0 * timely["late"]["15"] / timely["checked"], 1),
          round(100.0 * timely["late"]["20"] / timely["checked"], 1),
          sum(claim["status"] in ("short", "over") for claim in result["claims"]), len(result["findings"]),
          sum(finding["kind"] == "stale_column" for finding in result["findings"]),
          sum(finding["kind"] == "blank_column" for finding in result["findings"]),
          round(100.0 * sum(column["dead"] for column in links) / sum(column["checked"] for column in links), 1),
          result["inspection"]["report_deadline"]["met"]]
         for name, result in every.items() for timely, links in [(result["timeliness"], result["inspection"]["links"])]),
        key=lambda row: (-row[2], -row[3], row[0]))
    assert order == [row[0] for row in by_audit]
    assert shown == [[text(value) for value in row[1:]] for row in by_audit]
    # 2020 as of its end: each portal's planted blank column and dead links, no stale column,
    # and no annual report appeared in 2020 (the sample's is put up in January 2021).
    assert [row[6:8] for row in by_audit] == [[0, 1]] * len(by_audit) and all(row[8] > 0 for row in by_audit)
    assert [row[9] for row in by_audit] == [None] * len(by_audit)
    # The SQL the page shows gives the same rows from the file the audits were recorded in.
    assert [list(row) for row in query(db, FLEET_RANKING, "2020")] == by_audit
    assert page.xpath("//details[@class='sql']//code")[0].text_content().strip() == FLEET_RANKING.strip()
    # Each site links to its own report, of its own documents.
    for link in page.xpath("//table[@data-table='fleet']//a"):
        site_page = lxml.html.parse(str(db.parent / link.get("href"))).getroot()
        name = link.getparent().get("data-site")
        documents = site_page.xpath("//li[@data-headline='documents']/b")[0].text
        assert int(documents) == every[name]["totals"]["documents"]


def test_the_sql_a_sites_report_shows_gives_its_figures_with_query_site(audited):
    import lxml.html

    from storage.publications import RANGE

    db, every, _, _ = audited
    sql = f"SELECT count(*) AS n FROM publications WHERE {RANGE}".replace(
        ":date_from", "'2020-01-01'").replace(":date_to", "'2020-12-31'")
    for name in SEEDS:
        result = govwatch("query", "--db", db, "--site", name, "--json", sql)
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout) == [{"n": every[name]["totals"]["documents"]}]
    whole = govwatch("query", "--db", db, "--json", sql)
    assert json.loads(whole.stdout) == [{"n": sum(every[name]["totals"]["documents"] for name in SEEDS)}]
    [page] = db.parent.glob("fleet-1-*.html")
    lead = lxml.html.parse(str(page)).getroot().xpath("//p[@class='lead']")[0].text_content()
    site = page.stem.split("-", 2)[2]
    assert f"govwatch query --site {site}" in lead


def test_an_export_of_a_fleet_names_each_rows_site_and_one_site_is_exported_alone(fleet, audited, tmp_path):
    import csv

    (folder, _, _), (db, every, _, _) = fleet, audited
    options = ("--db", db, "--year", 2020, "--format", "csv", "--sites", folder / "sites.toml")
    together = govwatch("export", "documents", *options, "--out", tmp_path / "all.csv")
    alpha = govwatch("export", "late", *options, "--site", "alpha", "--out", tmp_path / "alpha.csv")
    assert together.returncode == 0 and alpha.returncode == 0, together.stderr + alpha.stderr
    with open(tmp_path / "all.csv", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][0] == "站点"
    assert {name: sum(row[0] == name for row in rows[1:]) for name in SEEDS} == {
        name: every[name]["totals"]["documents"] for name in SEEDS}
    with open(tmp_path / "alpha.csv", encoding="utf-8-sig") as handle:
        late = list(csv.reader(handle))
    assert late[0][0] == "标题" and len(late) - 1 == len(every["alpha"]["timeliness"]["late_items"])


def test_the_canned_queries_answer_per_site_and_for_every_site(audited):
    from collections import Counter

    from storage.canned_queries import CANNED_QUERIES

    db, every, _, _ = audited
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row

    def rows(name: str, **params) -> list[dict]:
        bound = dict.fromkeys(CANNED_QUERIES[name].get("params", ()), "") | params
        return [dict(row) for row in conn.execute(CANNED_QUERIES[name]["sql"], bound)]

    try:
        # The publisher with the most late documents in 2020, every site together.
        publisher = rows("late_by_publisher", year="2020")[0]["publisher"]
        # A column and month of 2020 that every site published in.
        column, month = conn.execute(
            "SELECT c.column_name, p.month FROM document_columns AS c JOIN publications AS p USING (url)"
            " WHERE p.year = '2020' GROUP BY 1, 2 HAVING count(DISTINCT p.site) = 3 ORDER BY count(*) DESC").fetchone()
        params = {"year": "2020", "column": column, "month": month, "publisher": publisher}
        for name in [query for query, spec in CANNED_QUERIES.items() if "site" in spec.get("params", ())]:
            # Empty, every site's rows; each site's alone are its share of them, in order.
            whole = rows(name, **params)
            assert {row["site"] for row in whole} == set(SEEDS), name
            for site in SEEDS:
                assert rows(name, site=site, **params) == [row for row in whole if row["site"] == site], (name, site)
        for site, result in every.items():
            late = {row["publisher"]: (row["checked"], row["late"]) for row in rows("late_by_publisher", site=site,
                                                                                   year="2020", limit="15")}
            assert late == {publisher: (stats["checked"], stats["late"]["15"])
                            for publisher, stats in result["timeliness"]["by_publisher"].items()}
            kinds = {row["kind"]: row["findings"] for row in rows("findings_by_kind", site=site)}
            assert kinds == Counter(finding["kind"] for finding in result["findings"])
            claims = [(row["claim"], row["observed"], row["status"]) for row in rows("claims_of_last_audit", site=site)]
            assert claims == [(claim["key"], claim["observed"], claim["status"]) for claim in result["claims"]]
    finally:
        conn.close()
