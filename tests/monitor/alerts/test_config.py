from pathlib import Path

import pytest

from monitor.alerts.config import AlertsConfig, Config, ConfigError, CrawlConfig, ScheduleConfig, load_config

FILES = Path(__file__).parents[2] / "files" / "config"

SMTP = """[smtp]
host = "smtp.example.org"
sender = "govwatch@example.org"
recipients = ["auditor@example.org"]
"""


def write(tmp_path, text: str) -> Path:
    path = tmp_path / "govwatch.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_full_file_is_read_into_frozen_dataclasses():
    config = load_config(FILES / "govwatch.toml")
    assert config.smtp.host == "smtp.example.org"
    assert config.smtp.port == 587
    assert config.smtp.security == "starttls"
    assert config.smtp.user == "govwatch"
    assert config.smtp.password_env == "GOVWATCH_SMTP_PASSWORD"
    assert config.smtp.recipients == ("auditor@example.org", "审计 <audit2@example.org>")
    assert config.alerts == AlertsConfig(limits=(15, 20), mode="each")
    assert config.crawl == CrawlConfig(site="leda", db="nightly.db", start_urls=("http://127.0.0.1:8000/",))
    assert config.schedule == ScheduleConfig(cron="30 2 * * *", timezone="Asia/Shanghai")
    assert config.alerts_disabled_reason is None
    with pytest.raises(AttributeError):
        config.smtp.host = "elsewhere"


def test_file_without_smtp_is_valid_and_says_alerts_are_disabled():
    config = load_config(FILES / "no_smtp.toml")
    assert config.smtp is None
    assert config.crawl.db == "nightly.db"
    assert config.alerts_disabled_reason == f"alerts are disabled: {FILES / 'no_smtp.toml'} has no [smtp] section"


def test_empty_file_gets_the_defaults(tmp_path):
    path = write(tmp_path, "")
    assert load_config(path) == Config(path=str(path))


def test_smtp_defaults(tmp_path):
    smtp = load_config(write(tmp_path, SMTP)).smtp
    assert (smtp.port, smtp.security, smtp.user, smtp.timeout) == (587, "starttls", None, 30)


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match=r"nope\.toml: no such configuration file$"):
        load_config(tmp_path / "nope.toml")


def test_bad_toml_names_file_and_position(tmp_path):
    with pytest.raises(ConfigError) as error:
        load_config(write(tmp_path, "[smtp]\nhost = \n"))
    message = str(error.value)
    assert message.startswith(f"{tmp_path / 'govwatch.toml'}: not valid TOML:")
    assert "line 2" in message
    assert "\n" not in message


@pytest.mark.parametrize(
    "text, message",
    [
        (SMTP + 'password = "hunter2"\n',
         "[smtp] password: refused: store the password in the environment variable named by password_env"),
        (SMTP + 'security = "tls"\n', "[smtp] security: must be one of starttls, ssl, none, got 'tls'"),
        (SMTP + 'port = "587"\n', "[smtp] port: must be an integer, got '587'"),
        (SMTP + "port = true\n", "[smtp] port: must be an integer, got True"),
        (SMTP + "port = 70000\n", "[smtp] port: must be between 1 and 65535, got 70000"),
        (SMTP + "timeout = 0\n", "[smtp] timeout: must be positive, got 0"),
        (SMTP.replace('["auditor@example.org"]', "[]"),
         "[smtp] recipients: no recipients: list at least one address"),
        (SMTP.replace('recipients = ["auditor@example.org"]\n', ""),
         "[smtp] recipients: no recipients: list at least one address"),
        (SMTP.replace('"auditor@example.org"', '"auditor"'), "[smtp] recipients: 'auditor' is not a mail address"),
        (SMTP.replace('host = "smtp.example.org"\n', ""), "[smtp] host: missing"),
        (SMTP.replace('"govwatch@example.org"', '"a@b.org\\r\\nBcc: x@y.org"'),
         "[smtp] sender: 'a@b.org\\r\\nBcc: x@y.org' is not a mail address"),
        (SMTP + 'hots = "x"\n', "[smtp] hots: unknown key; known keys:"),
        ("[mail]\n", "unknown section [mail]; known: [smtp], [alerts], [crawl], [schedule]"),
        ('smtp = "x"\n', "smtp must be a section ([smtp]), not a value"),
        ("[alerts]\nlimits = []\n", "[alerts] limits: must be a non-empty list of positive integers, got []"),
        ('[alerts]\nlimits = [15, "20"]\n', "[alerts] limits: must be a non-empty list of positive integers"),
        ('[alerts]\nmode = "weekly"\n', "[alerts] mode: must be one of digest, each, got 'weekly'"),
        ('[crawl]\nsite = "nowhere"\n', "[crawl] site: unknown site 'nowhere'; known sites: leda"),
        ('[crawl]\nstart_urls = ["ftp://x/"]\n', "[crawl] start_urls: start URL 'ftp://x/' is not an http(s) URL"),
        ('[crawl]\nstart_urls = "http://x/"\n', "[crawl] start_urls: must be a list of strings, got 'http://x/'"),
        ("[crawl]\ntime_limit = 0\n", "[crawl] time_limit: must be positive, got 0"),
        ("[crawl]\nsweep_pages = 0\n", "[crawl] sweep_pages: must be at least 1, got 0"),
        ('[crawl]\nsweep_pages = "ten"\n', "[crawl] sweep_pages: must be a number of pages, got 'ten'"),
        ('[crawl]\nstop_grace = "5 min"\n', "[crawl] stop_grace: must be a number of seconds, got '5 min'"),
        ('[schedule]\ncron = "61 2 * * *"\n', "[schedule] cron: not a cron expression ("),
        ('[schedule]\ntimezone = "Mars/Base"\n', "[schedule] timezone: unknown time zone 'Mars/Base'"),
    ],
)
def test_each_mistake_is_one_line_naming_file_and_key(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert str(error.value).startswith(f"{path}: {message}")
    assert "\n" not in str(error.value)


def test_alert_window_defaults_to_ninety_days(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text("[alerts]\nlimits = [20]\n", encoding="utf-8")
    alerts = load_config(path).alerts
    assert (alerts.since_days, alerts.since) == (90, None)


def test_alert_window_from_a_fixed_date(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('[alerts]\nsince = 2020-01-01\n', encoding="utf-8")
    assert load_config(path).alerts.since == "2020-01-01"


def test_alert_window_bad_date_names_the_key(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('[alerts]\nsince = "2020-02-30"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[alerts\] since: must be a date"):
        load_config(path)


SECRET = "Tr0ub4dor&3-hunter2"


@pytest.mark.parametrize("literal, secret", [
    (f'"{SECRET}"', SECRET), ('"my password"', "my password"), ('"9LIVES"', "9LIVES"), ("1234567", "1234567"),
    ('""', None),
])
def test_password_env_must_name_a_variable_and_is_never_echoed(tmp_path, literal, secret):
    path = write(tmp_path, SMTP + f'user = "govwatch"\npassword_env = {literal}\n')
    with pytest.raises(ConfigError) as error:
        load_config(path)
    message = str(error.value)
    assert message.startswith(f"{path}: [smtp] password_env: must be the name of the environment variable")
    assert "\n" not in message
    if secret:
        assert secret not in message


@pytest.mark.parametrize("name", ["GOVWATCH_SMTP_PASSWORD", "_pw", "smtp_pass2"])
def test_password_env_accepts_variable_names(tmp_path, name):
    assert load_config(write(tmp_path, SMTP + f'password_env = "{name}"\n')).smtp.password_env == name


def test_the_nightly_crawl_passes_its_sweep_pages_and_reverify_days_on(tmp_path):
    from monitor.alerts.nightly import crawl_command

    command = crawl_command(load_config(write(tmp_path, "[crawl]\nreverify_days = 30\nsweep_pages = 4\n")), full=False)
    assert command[command.index("--reverify-days"):][:4] == ["--reverify-days", "30", "--sweep-pages", "4"]
    # Unset: the crawl's own defaults (90 days, 10 pages).
    assert "--sweep-pages" not in crawl_command(load_config(write(tmp_path, "[crawl]\n")), full=False)


def test_the_nightly_crawl_has_a_time_limit_of_six_hours_by_default(tmp_path):
    assert (CrawlConfig().time_limit, CrawlConfig().stop_grace) == (6 * 3600, 300)
    crawl = load_config(write(tmp_path, "[crawl]\ntime_limit = 3600\nstop_grace = 30.5\n")).crawl
    assert (crawl.time_limit, crawl.stop_grace) == (3600, 30.5)


FLEET = '[crawl]\ndb = "fleet.db"\n' + "".join(
    f'[[sites]]\nname = "{name}"\nstart_urls = ["http://127.0.0.1:{port}/"]\n'
    for name, port in (("alpha", 8001), ("beta", 8002)))


def test_sites_tables_make_the_nightly_a_fleets_crawled_in_one_run(tmp_path):
    from monitor.alerts.nightly import crawl_command

    path = write(tmp_path, FLEET)
    config = load_config(path)
    assert [(site.name, site.start_urls) for site in config.sites] == [
        ("alpha", ("http://127.0.0.1:8001/",)), ("beta", ("http://127.0.0.1:8002/",))]
    command = crawl_command(config, full=False)
    assert command[command.index("crawl") + 1:command.index("--db")] == ["--sites", str(path)]
    # A file with no [[sites]] crawls its [crawl] site, as before fleets.
    assert load_config(write(tmp_path, '[crawl]\nsite = "leda"\n')).sites == ()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[crawl]\nsite = "leda"\n' + FLEET.split("\n", 2)[2],
         "[crawl] site: the file's [[sites]] tables name the sites to crawl: leave it out"),
        (FLEET.replace('name = "beta"', 'name = "alpha"'), "sites file {path}: the site name 'alpha' is used twice"),
        (FLEET.replace("http://127.0.0.1:8002/", "ftp://x/"),
         "profile {path} [[sites]] #2: start_urls: start URL 'ftp://x/' is not an http(s) URL"),
        ('sites = "alpha"\n', "sites file {path}: sites: needs one or more [[sites]] tables"),
    ],
)
def test_a_fleet_mistake_is_one_line_naming_the_file(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert str(error.value).endswith(message.format(path=path)) and str(path) in str(error.value)
    assert "\n" not in str(error.value)
