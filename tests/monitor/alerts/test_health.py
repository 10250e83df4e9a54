from hypothesis import given
from hypothesis import strategies as st

from monitor.alerts.mail import queue_health
from monitor.alerts.health import check_health, check_tonight
from storage.db import open_db


def run(run_id, *, status="finished", new=0, updated=0, unchanged=100, pages=200, errors=0):
    return {
        "id": run_id, "status": status, "pages_fetched": pages, "errors": errors,
        "documents_new": new, "documents_updated": updated, "documents_unchanged": unchanged,
    }


def results(runs) -> dict:
    return {result["check"]: result for result in check_health(runs)}


def test_no_runs_no_checks():
    assert check_health([]) == []


def test_healthy_crawl_passes_every_check():
    checked = results([run(1, unchanged=1000), run(2, new=10, unchanged=990)])
    assert set(checked) == {"crawl_failed", "no_documents", "documents_dropped", "error_rate", "rendered_by_javascript"}
    assert all(result["ok"] for result in checked.values())


def test_drop_of_31_percent_fails_and_29_percent_passes():
    dropped = results([run(1, unchanged=1000), run(2, unchanged=690)])["documents_dropped"]
    assert not dropped["ok"]
    assert dropped["detail"] == (
        "crawl 2 stored 690 documents, crawl 1 1000: 31% fewer (more than 30%; has the site been redesigned?)"
    )
    assert results([run(1, unchanged=1000), run(2, unchanged=710)])["documents_dropped"]["ok"]


def test_exactly_30_percent_is_not_more_than_30():
    assert results([run(1, unchanged=1000), run(2, unchanged=700)])["documents_dropped"]["ok"]


def test_drop_is_measured_against_the_previous_finished_crawl():
    runs = [run(1, unchanged=1000), run(2, status="shutdown", unchanged=10), run(3, unchanged=650)]
    dropped = results(runs)["documents_dropped"]
    assert not dropped["ok"]
    assert "crawl 1 1000" in dropped["detail"]


def test_first_crawl_has_nothing_to_compare():
    dropped = results([run(1, unchanged=5)])["documents_dropped"]
    assert dropped["ok"]
    assert "no earlier crawl" in dropped["detail"]


def test_error_rate_above_10_percent_fails():
    assert results([run(1, pages=200, errors=20)])["error_rate"]["ok"]
    failing = results([run(1, pages=200, errors=21)])["error_rate"]
    assert not failing["ok"]
    assert failing["detail"] == "crawl 1: 21 fetch errors for 200 pages fetched (10%), more than 10%"


def test_errors_without_any_page_fetched_fail():
    assert not results([run(1, pages=0, errors=3, unchanged=0)])["error_rate"]["ok"]


def test_crawl_that_did_not_finish_fails():
    failed = results([run(1), run(2, status="running")])["crawl_failed"]
    assert not failed["ok"]
    assert failed["detail"] == "crawl 2 ended with status 'running', not 'finished'"


def test_crawl_without_documents_fails():
    empty = results([run(1, unchanged=0, pages=1)])["no_documents"]
    assert not empty["ok"]
    assert empty["detail"] == "crawl 1 stored no documents (1 pages fetched)"


def test_latest_is_the_highest_id_whatever_the_order():
    assert not results([run(2, status="failed"), run(1)])["crawl_failed"]["ok"]


@given(before=st.integers(1, 10_000), now=st.integers(0, 10_000))
def test_drop_fails_exactly_when_more_than_30_percent(before, now):
    ok = results([run(1, unchanged=before), run(2, unchanged=now)])["documents_dropped"]["ok"]
    assert ok == ((before - now) * 10 <= before * 3)


def note(crawl_id, url="http://h/col/index.shtml", title="文件通知 - 甘肃省教育厅"):
    return {"crawl_id": crawl_id, "url": url, "kind": "rendered_by_javascript", "title": title,
            "detail": "the list is rendered by JavaScript (script xxgkPage.js); its documents are not in the "
                      "static page and were not crawled"}


def test_no_javascript_listing_is_no_finding():
    found = results([run(1)])["rendered_by_javascript"]
    assert (found["ok"], found["findings"]) == (True, [])
    assert found["detail"] == "crawl 1: no listing is rendered by JavaScript"


def test_javascript_listing_is_named_but_passes():
    found = {r["check"]: r for r in check_health([run(1)], [note(1)])}["rendered_by_javascript"]
    assert found["ok"]
    assert found["detail"] == (
        "crawl 1: 1 listing rendered by JavaScript: http://h/col/index.shtml (文件通知 - 甘肃省教育厅): the list is "
        "rendered by JavaScript (script xxgkPage.js); its documents are not in the static page and were not crawled")
    assert found["findings"] == [note(1)]


def test_only_the_latest_crawls_notes_count():
    found = {r["check"]: r for r in check_health([run(1), run(2)], [note(1), note(2, title=None)])}
    assert [n["crawl_id"] for n in found["rendered_by_javascript"]["findings"]] == [2]
    assert "(no title)" in found["rendered_by_javascript"]["detail"]


def test_javascript_listing_queues_no_alert(tmp_path):
    db = open_db(tmp_path / "govwatch.db")
    assert queue_health(db, check_health([run(1)], [note(1)]), at="2026-01-01T00:00:00Z") == {
        "queued": 0, "resolved": 0}
    assert db["alerts"].count == 0
    db.close()


TONIGHT = "2026-03-02T18:30:00Z"


def dated(run_row, started_at):
    return {**run_row, "started_at": started_at}


def test_a_crawl_that_died_before_its_run_row_is_not_judged_on_the_previous_good_run():
    runs = [dated(run(1, unchanged=1000), "2026-03-01T18:30:00Z")]
    assert all(result["ok"] for result in check_health(runs))
    results = check_tonight(runs, [], started_at=TONIGHT, crawl_error="cannot write to g.db: the database is locked")
    assert results == [{"check": "crawl_failed", "ok": False,
                        "detail": "the nightly crawl failed: cannot write to g.db: the database is locked"}]


def test_a_failed_crawl_with_its_row_is_judged_on_it_and_says_why_it_failed():
    runs = [dated(run(1, unchanged=1000), "2026-03-01T18:30:00Z"),
            dated(run(2, unchanged=0, pages=0, errors=1), TONIGHT)]
    checked = {r["check"]: r for r in check_tonight(runs, [], started_at=TONIGHT,
                                                     crawl_error="crawl 2 fetched nothing (1 request failed)")}
    assert checked["crawl_failed"]["detail"] == "the nightly crawl failed: crawl 2 fetched nothing (1 request failed)"
    assert not checked["no_documents"]["ok"] and not checked["error_rate"]["ok"]


def test_a_crawl_that_did_its_job_is_judged_as_always():
    runs = [dated(run(1, unchanged=1000), TONIGHT)]
    assert check_tonight(runs, [], started_at=TONIGHT, crawl_error=None) == check_health(runs)
