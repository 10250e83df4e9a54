"""What a crawl tells people, in the language in use: its progress line while it runs, its
summary at the end, and why it failed.

The crawler counts (crawler.progress, the ``crawl_runs`` row) and cannot import the
catalogue, which lives above it; these functions word the counts. The ``govwatch``
command hands :func:`progress_line` to the crawler by name (``GOVWATCH_PROGRESS_LINE``).
Statuses stay English keys in ``crawl_runs`` and are named at display (monitor.labels).
"""

from monitor.i18n import LANGUAGES, N_, _, ngettext, translations
from monitor.labels import label
from storage.runs import documents_seen

# The setting that makes crawler.progress print this module's line.
PROGRESS_SETTING = {"GOVWATCH_PROGRESS_LINE": "monitor.crawl_lines.progress_line"}


PROGRESS = N_("crawling: {pages} pages fetched, {items} items ({stored} stored), {errors} errors")
# The line of a process crawling several sites at once: their counts summed.
FLEET_PROGRESS = N_("crawling ({sites} sites, {running} running): {pages} pages fetched, {items} items "
                    "({stored} stored), {errors} errors")


def progress_line(counts: dict) -> str:
    """The line crawler.progress prints every few seconds; ``counts`` are its fleet_counts."""
    message = FLEET_PROGRESS if "sites" in counts else PROGRESS
    return _(message).format(**counts)


def is_progress(line: str) -> bool:
    """Whether ``line`` is a progress line, in whichever language the crawl printed it."""
    return line.startswith(tuple(translations(code).gettext(message).split("{")[0]
                                 for code in LANGUAGES for message in (PROGRESS, FLEET_PROGRESS)))


def summary(run: dict) -> str:
    """The one-paragraph account of a crawl printed at its end (``run`` as crawler.run.run_crawls gives it)."""
    seconds = max(run["seconds"], 0.001)
    return _("Crawl {id} of site {site} {status}: {pages} pages fetched in {seconds} s ({rate} pages/s); "
             "{documents} documents: {new} new, {updated} updated, {unchanged} unchanged; {errors} errors.").format(
        id=run["id"], site=run["site"], status=label("crawl_status", run["status"]), pages=run["pages_fetched"],
        seconds=f"{seconds:.1f}", rate=f"{run['pages_fetched'] / seconds:.1f}", documents=documents_seen(run),
        new=run["documents_new"], updated=run["documents_updated"], unchanged=run["documents_unchanged"],
        errors=run["errors"])


# Why a crawl that did not finish stopped, by its status (Scrapy's close reason).
STOPPED = {
    "closespider_timeout": N_("crawl {id} stopped at its time limit before it was done"),
    "shutdown": N_("crawl {id} was interrupted"),
}


def failure(run: dict) -> str | None:
    """Why a crawl did not do its job, or None: it did not finish, fetched nothing, or
    every request it made failed (no document stored, and fetch errors)."""
    if run["status"] != "finished":
        stopped = STOPPED.get(run["status"])
        if stopped:
            return _(stopped).format(id=run["id"])
        return _("crawl {id} ended with status {status!r}").format(id=run["id"], status=run["status"])
    errors = ngettext("{n} request failed", "{n} requests failed", run["errors"]).format(n=run["errors"])
    if not run["pages_fetched"]:
        return _("crawl {id} fetched nothing").format(id=run["id"]) + (
            _(" ({errors})").format(errors=errors) if run["errors"] else "")
    if run["errors"] and not documents_seen(run):
        return _("crawl {id} stored no document: {errors}").format(id=run["id"], errors=errors)
    return None


def failure_report(run: dict) -> str | None:
    """:func:`failure` with the first fetch errors of ``run`` (its ``first_errors``), or None."""
    problem = failure(run)
    errors = "".join(f"\n  {error['url']}: {error['error']}" for error in run["first_errors"])
    return _("{problem}; the first errors:{errors}").format(problem=problem, errors=errors) if problem and errors else problem
