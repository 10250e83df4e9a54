"""Crawl health: did the last crawl work, and does it look like the portal changed?

Each check is a small function of the latest crawl run and the previous finished one
(rows of ``crawl_runs``, the previous one None when there is none) returning whether it
passes and a sentence saying why. :func:`check_health` runs them all.

:func:`rendered_by_javascript` is a finding rather than a failure: a column whose list a
script renders is how the portal is built, not something that went wrong in the crawl.
It passes, names the columns in its detail and lists them under ``findings``; a failing
check would be mailed as "crawl health check failed" and turn the nightly health line to
failing for as long as the portal keeps its template, hiding the failures that matter.
"""

from collections.abc import Sequence

from crawler.items import RENDERED_BY_JAVASCRIPT
from monitor.i18n import _, ngettext
from storage.runs import documents_seen

MAX_DROP = 0.30
MAX_ERROR_RATE = 0.10


def crawl_failed(latest: dict, previous: dict | None) -> tuple[bool, str]:
    """The crawl did not finish: it was stopped, crashed, or was killed (still 'running')."""
    if latest["status"] == "finished":
        return True, _("crawl {id} finished").format(id=latest["id"])
    return False, _("crawl {id} ended with status {status!r}, not 'finished'").format(id=latest["id"],
                                                                                     status=latest["status"])


def no_documents(latest: dict, previous: dict | None) -> tuple[bool, str]:
    """The crawl stored no document at all: the portal was down or its layout changed."""
    seen = documents_seen(latest)
    if seen:
        return True, _("crawl {id} stored {n} documents").format(id=latest["id"], n=seen)
    return False, _("crawl {id} stored no documents ({pages} pages fetched)").format(
        id=latest["id"], pages=latest["pages_fetched"] or 0)


def documents_dropped(latest: dict, previous: dict | None) -> tuple[bool, str]:
    """Far fewer documents than the previous crawl: the site was probably redesigned."""
    if previous is None or not documents_seen(previous):
        return True, _("crawl {id}: no earlier crawl with documents to compare with").format(id=latest["id"])
    before, now = documents_seen(previous), documents_seen(latest)
    drop = (before - now) / before
    detail = _("crawl {id} stored {now} documents, crawl {previous} {before}").format(
        id=latest["id"], now=now, previous=previous["id"], before=before)
    if drop > MAX_DROP:
        return False, _("{detail}: {drop} fewer (more than {most}; has the site been redesigned?)").format(
            detail=detail, drop=f"{drop:.0%}", most=f"{MAX_DROP:.0%}")
    return True, detail


def error_rate(latest: dict, previous: dict | None) -> tuple[bool, str]:
    """Too many pages could not be fetched or read."""
    errors, pages = latest["errors"] or 0, latest["pages_fetched"] or 0
    # Errors without any response (host unreachable) count as a rate of 100%.
    rate = errors / pages if pages else float(errors > 0)
    detail = _("crawl {id}: {errors} fetch errors for {pages} pages fetched ({rate})").format(
        id=latest["id"], errors=errors, pages=pages, rate=f"{rate:.0%}")
    if rate > MAX_ERROR_RATE:
        return False, _("{detail}, more than {most}").format(detail=detail, most=f"{MAX_ERROR_RATE:.0%}")
    return True, detail


CHECKS = (crawl_failed, no_documents, documents_dropped, error_rate)


def rendered_by_javascript(latest: dict, notes: list[dict]) -> dict:
    """Listings whose list a script renders: their documents are read only from what the
    page hides (comments), or not at all. Never an empty column, and never a failure."""
    columns = [note for note in notes if note["kind"] == RENDERED_BY_JAVASCRIPT]
    result = {"check": "rendered_by_javascript", "ok": True}
    if not columns:
        return {**result, "detail": _("crawl {id}: no listing is rendered by JavaScript").format(id=latest["id"]),
                "findings": []}
    untitled = _("no title")
    named = _("; ").join(f"{note['url']} ({note['title'] or untitled}): {note['detail']}" for note in columns)
    return {**result, "findings": columns,
            "detail": ngettext("crawl {id}: {n} listing rendered by JavaScript: {named}",
                               "crawl {id}: {n} listings rendered by JavaScript: {named}", len(columns)).format(
                id=latest["id"], n=len(columns), named=named)}


def check_health(runs: list[dict], notes: Sequence[dict] = ()) -> list[dict]:
    """Run every check on the latest of ``runs`` against the previous finished one, and
    report the findings among ``notes`` (rows of ``crawl_notes``) the latest crawl made.

    Returns ``{"check", "ok", "detail"}`` per check (``findings`` too for a check that
    reports findings), or nothing when there is no run yet.
    """
    if not runs:
        return []
    ordered = sorted(runs, key=lambda run: run["id"])
    latest = ordered[-1]
    previous = next((run for run in reversed(ordered[:-1]) if run["status"] == "finished"), None)
    results = []
    for check in CHECKS:
        ok, detail = check(latest, previous)
        results.append({"check": check.__name__, "ok": ok, "detail": detail})
    results.append(rendered_by_javascript(latest, [note for note in notes if note["crawl_id"] == latest["id"]]))
    return results


def check_tonight(runs: list[dict], notes: Sequence[dict], *, started_at: str, crawl_error: str | None) -> list[dict]:
    """:func:`check_health` for the crawl a nightly run started at ``started_at``, which
    failed with ``crawl_error`` (None when it did its job).

    A crawl that died before recording its run (a locked or damaged database) leaves the
    latest row to an earlier crawl; judging that one would report tonight's failure as
    "all checks pass", so then only the failure is reported. A crawl that recorded its
    run and failed is judged on it, with ``crawl_failed`` saying why it failed.
    """
    if crawl_error is None:
        return check_health(runs, notes)
    failed = {"check": "crawl_failed", "ok": False,
              "detail": _("the nightly crawl failed: {error}").format(error=crawl_error)}
    if not any(run["started_at"] >= started_at for run in runs):
        return [failed]
    return [failed if result["check"] == "crawl_failed" else result for result in check_health(runs, notes)]


def check_site_tonight(runs: list[dict], notes: Sequence[dict], *, site: str, started_at: str,
                       crawl_error: str | None) -> list[dict]:
    """:func:`check_tonight` for ``site``, one of a fleet crawled together: its own runs
    judged, each result naming the site.

    A site whose crawl tonight fetched nothing (it is down) is one failure, ``crawl_failed``
    naming why: the checks of what a crawl stored have nothing of it to judge, and would
    only say the same thing again.
    """
    own = [run for run in runs if run["site"] == site]
    tonight = [run for run in own if run["started_at"] >= started_at]
    results = check_tonight(own, notes, started_at=started_at, crawl_error=crawl_error)
    if crawl_error is not None and tonight and not tonight[-1]["pages_fetched"]:
        results = [result for result in results if result["check"] == "crawl_failed"]
    return [{**result, "site": site} for result in results]
