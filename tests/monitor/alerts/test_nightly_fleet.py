"""`govwatch nightly` over a fleet: three sites in its config, the third one down, crawled,
audited and alerted each in one run.

Real parts: two sample portals on two ports of 127.0.0.1, a port nothing listens on, and
an aiosmtpd server; one nightly run that every test here reads.
"""

import json
from collections import Counter
from contextlib import ExitStack

import pytest

from monitor.demo.sample_portal.model import ground_truth
from monitor.demo.sample_portal.server import serve
from tests.conftest import govwatch
from tests.monitor.alerts.test_nightly import stage_lines
from tests.monitor.conftest import Inbox, SmtpServers, free_port
from tests.sqlite_rows import query

pytestmark = pytest.mark.slow

SIZE = 120
SEEDS = {"alpha": 21, "beta": 22}
SITES = (*SEEDS, "gamma")


def late_20(seed: int) -> int:
    """Documents of the portal ``seed`` published more than 20 working days after they were formed."""
    return sum(year["late"]["20"] for year in ground_truth(seed, 0, SIZE)["timeliness"].values())


def config_text(db, urls: dict[str, str], smtp_port: int) -> str:
    sites = "".join(f'[[sites]]\nname = "{name}"\ntitle = "{name} portal"\nstart_urls = ["{url}/"]\n'
                    f'[sites.claims]\nportal_items = {{ observe = "documents" }}\n' for name, url in urls.items())
    return (f'[smtp]\nhost = "127.0.0.1"\nport = {smtp_port}\nsecurity = "none"\ntimeout = 5\n'
            f'sender = "govwatch@example.org"\nrecipients = ["auditor@example.org"]\n'
            f'[alerts]\nlimits = [20]\nsince = "2019-01-01"\n'
            f'[crawl]\ndb = "{db}"\ntime_limit = 300\n' + sites)


@pytest.fixture(scope="module")
def night(tmp_path_factory):
    """One nightly run of a config listing alpha, beta and gamma, gamma's port closed."""
    folder = tmp_path_factory.mktemp("nightly-fleet")
    db, config, inbox, servers = folder / "fleet.db", folder / "govwatch.toml", Inbox(), SmtpServers()
    try:
        port = servers(inbox)
        with ExitStack() as stack:
            portals = {name: stack.enter_context(serve(seed=seed, size=SIZE)) for name, seed in SEEDS.items()}
            urls = {name: portal.url for name, portal in portals.items()} | {"gamma": f"http://127.0.0.1:{free_port()}"}
            config.write_text(config_text(db, urls, port), encoding="utf-8")
            result = govwatch("nightly", "--config", config)
    finally:
        servers.stop()
    return db, result, inbox.mails


def test_the_night_fails_for_the_dead_site_and_every_stage_runs_for_each_site(night):
    _, result, _ = night
    assert result.returncode == 1, result.stdout + result.stderr
    assert stage_lines(result.stdout) == ["crawl", *["health"] * 3, *["audit"] * 3, "alerts"]
    health = [line for line in result.stdout.splitlines() if " health: " in line]
    assert [line.split("site ")[1].split(":")[0] for line in health] == list(SITES)
    assert "failing: crawl_failed" in health[2] and all("all checks pass" in line for line in health[:2])
    assert "Traceback" not in result.stderr


def test_the_live_sites_are_crawled_and_audited_whole(night):
    db, result, _ = night
    documents = dict(query(db, "SELECT site, count(*) FROM documents WHERE removed_at IS NULL GROUP BY site"))
    assert documents == {name: ground_truth(seed, 0, SIZE)["documents"] for name, seed in SEEDS.items()}
    assert dict(query(db, "SELECT site, status FROM crawl_runs")) == dict.fromkeys(SITES, "finished")
    # Each site audited on its own rows: the dead one on none.
    audits = {site: json.loads(result_json)["totals"] for site, result_json in query(
        db, "SELECT site, result FROM audit_runs")}
    assert {site: totals["documents_all_time"] for site, totals in audits.items()} == {
        **{name: sum(ground_truth(seed, 0, SIZE)["by_year"].values()) for name, seed in SEEDS.items()}, "gamma": 0}
    assert {site: totals["last_crawl"]["site"] for site, totals in audits.items() if totals["last_crawl"]} == {
        site: site for site in SITES}


def test_alerts_carry_their_site_and_the_dead_site_is_one_alert_naming_it(night):
    db, _, _ = night
    late = dict(query(db, "SELECT site, count(*) FROM alerts WHERE kind = 'late' GROUP BY site"))
    assert late == {name: late_20(seed) for name, seed in SEEDS.items()} and all(late.values())
    health = query(db, "SELECT site, key, subject FROM alerts WHERE kind = 'health' AND status <> 'resolved'")
    assert health == [("gamma", "health:gamma:crawl_failed",
                       "govwatch: site gamma: crawl health check failed: the crawl did not finish")]
    assert query(db, "SELECT count(*) FROM alerts WHERE status <> 'sent'") == [(0,)]


def test_one_digest_mail_names_each_late_documents_site_and_the_dead_site(night):
    db, _, mails = night
    (mail,) = mails
    body = mail.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert body.count("Site: alpha") == late_20(SEEDS["alpha"])
    assert body.count("Site: beta") == late_20(SEEDS["beta"])
    [gamma_run] = query(db, "SELECT id FROM crawl_runs WHERE site = 'gamma'")
    assert f"Site gamma: crawl health check failed: the crawl did not finish\n  the nightly crawl failed: crawl {gamma_run[0]}" \
           f" fetched nothing" in body


def test_alerts_list_names_one_sites_alerts(night):
    db, _, _ = night
    listed = govwatch("alerts", "list", "--db", db, "--site", "gamma", "--json")
    assert listed.returncode == 0, listed.stderr
    assert [(row["kind"], row["subject"]) for row in json.loads(listed.stdout)] == [
        ("health", "govwatch: site gamma: crawl health check failed: the crawl did not finish")]
    every = govwatch("alerts", "list", "--db", db, "--json")
    assert Counter(row["site"] for row in json.loads(every.stdout)) == {
        **{name: late_20(seed) for name, seed in SEEDS.items()}, "gamma": 1}
    terminal = govwatch("alerts", "list", "--db", db)
    assert [line.strip() for line in terminal.stdout.splitlines() if line.startswith(("Site ", "The whole"))] == [
        "Site alpha", "Site beta", "Site gamma", "The whole fleet"]
    wrong = govwatch("alerts", "list", "--db", db, "--site", "delta")
    assert wrong.returncode == 2 and wrong.stderr.strip().endswith("holds no site 'delta'; it holds alpha, beta")
