"""The fleet page from audit results: the ranking's figures, its order, and portal text kept inert."""

from pathlib import Path

import lxml.html

from monitor.report.fleet import fleet_rows, render_fleet, site_page

PERIOD = {"from": "2020-01-01", "to": "2020-12-31"}


def result(checked: int, late: dict, *, report: bool = True, claims=(), findings=(), links=(), met=None) -> dict:
    return {"timeliness": {"checked": checked, "late": late}, "report": {"source": "x"} if report else None,
            "claims": [{"status": status} for status in claims], "findings": [{"kind": kind} for kind in findings],
            "inspection": {"links": [{"checked": checked, "dead": dead} for checked, dead in links],
                           "report_deadline": {"met": met}}}


def test_rows_rank_worst_timeliness_first_and_unknown_figures_last():
    rows = fleet_rows({
        "calm": result(100, {"15": 5, "20": 1}, claims=("match", "short", "over"),
                       findings=("stale_column", "blank_column", "stale_column"), links=((30, 1), (10, None)),
                       met=True),
        "late": result(10, {"15": 5, "20": 4}, met=False),
        "empty": result(0, {"15": 0, "20": 0}, report=False),
        "other_limits": result(50, {"10": 9}),
    })
    assert [(row["site"], row["late_15_percent"], row["late_20_percent"]) for row in rows] == [
        ("late", 50.0, 40.0), ("calm", 5.0, 1.0), ("empty", None, None), ("other_limits", None, None)]
    calm = rows[1]
    assert (calm["checked"], calm["claims_contradicted"], calm["rule_findings"]) == (100, 2, 3)
    assert (calm["stale_columns"], calm["blank_columns"], calm["dead_link_percent"]) == (2, 1, 2.5)
    # No report: nothing could be contradicted, so the count is unknown, not 0.
    assert rows[2]["claims_contradicted"] is None
    # No link target answered: the share of dead links is unknown.
    assert {row["dead_link_percent"] for row in rows if row["site"] != "calm"} == {None}
    # A report judged on time, one late, and no report judged (unknown, not missed).
    assert [row["report_deadline_met"] for row in rows] == [False, True, None, None]


def test_the_report_deadline_is_shown_as_yes_no_or_unknown():
    rows = fleet_rows({name: result(10, {"15": 1, "20": 0}, met=met)
                       for name, met in (("a", True), ("b", False), ("c", None))})
    page = lxml.html.fromstring(render_fleet(rows, {row["site"]: "x.html" for row in rows},
                                             {row["site"]: row["site"] for row in rows}, 2020, PERIOD))
    assert [td.text_content() for td in page.xpath("//td[@data-figure='report_deadline_met']")] == [
        "yes", "no", "unknown"]


def test_the_page_escapes_site_names_and_titles_and_shows_unknown():
    hostile = '<script>alert(1)</script>"'
    rows = fleet_rows({hostile: result(0, {"15": 0, "20": 0}, report=False)})
    page = lxml.html.fromstring(render_fleet(rows, {hostile: "fleet-1-x.html"}, {hostile: "<b>title</b>"}, 2020,
                                             PERIOD))
    assert not page.xpath("//tbody//script") and not page.xpath("//tbody//b")
    cell = page.xpath("//table[@data-table='fleet']//td[1]")[0]
    assert cell.get("data-site") == hostile and hostile in cell.text_content()
    # None of its documents has a known delay and it has no report: those figures are unknown.
    assert [td.text_content() for td in page.xpath("//td[@data-figure]")] == [
        "0", "unknown", "unknown", "unknown", "0", "0", "0", "unknown", "unknown"]
    assert page.xpath("//details[@class='sql']//p")[0].text_content().endswith(":year = '2020'")


def test_each_sites_page_sits_beside_the_fleet_page_under_a_safe_name():
    out = Path("/reports/fleet.html")
    assert site_page(out, 1, "alpha") == Path("/reports/fleet-1-alpha.html")
    assert site_page(out, 2, "../etc/区县 a") == Path("/reports/fleet-2-___etc____a.html")
