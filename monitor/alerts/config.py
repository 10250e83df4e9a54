"""The configuration file of the nightly operation: mail server, alerts, crawl, schedule.

A TOML file; every section and key is optional except that a ``[smtp]`` section needs
``host``, ``sender`` and at least one recipient::

    [smtp]
    host = "smtp.example.org"
    port = 587                    # default 587 (465 is usual with "ssl")
    security = "starttls"         # "starttls" (default), "ssl" or "none"
    user = "govwatch"             # optional: log in as this user
    password_env = "GOVWATCH_SMTP_PASSWORD"   # the environment variable holding the password
    sender = "govwatch@example.org"
    recipients = ["auditor@example.org"]
    timeout = 30                  # seconds, default 30

    [alerts]
    limits = [15, 20]             # working-day limits to alert on (default 15 and 20)
    mode = "digest"               # "digest" (one mail per run, default) or "each" (one per alert)
    since_days = 90               # alert on documents published in the last N days (default 90)
    since = "2020-01-01"          # or from a fixed date (overrides since_days)

    [crawl]
    site = "leda"                 # a site profile (default leda)
    db = "govwatch.db"            # the database file (default govwatch.db)
    start_urls = []               # optional: start here instead of the profile's pages
    reverify_days = 90            # re-check each stored document at least this often (default 90)
    sweep_pages = 10              # older listing pages of a column read a night while reading it to its end (default 10)
    time_limit = 21600            # seconds the nightly crawl may take (default 6 h); then it stops
    stop_grace = 300              # seconds it may take to stop before it is killed (default 300)

    [schedule]
    cron = "30 2 * * *"           # minute hour day month weekday (default 02:30)
    timezone = "Asia/Shanghai"    # the zone the cron expression is read in and times are shown in
                                  # (GOVWATCH_TIMEZONE, when set, overrides it for display)

    [[sites]]                     # optional: a fleet of portals, one table each, in the
    name = "district-a"           # shape of a sites file (crawler.profiles); the nightly
    title = "District A"          # then crawls them all in one run and audits and alerts
    start_urls = ["https://a.example.gov.cn/"]   # each site, instead of [crawl] site

The password is never stored in the file: a ``password`` key is refused,
``password_env`` must be a variable's name (anything else is refused without being
shown, as it may be the password typed in the wrong place), and the password is read
from that environment variable when a mail is sent. Without an ``[smtp]`` section the
file is valid and alerts are disabled: they are queued in the database but not mailed
until a mail server is configured. The nightly run (and its schedule) needs a
``[crawl]`` section, even one that only repeats the defaults, so an empty file never
starts a crawl of the real portal.

Every mistake (missing file, bad TOML, unknown section or key, wrong type or value)
raises :class:`ConfigError` with one line naming the file and the key.
"""

import datetime as dt
import re
import tomllib
import zoneinfo
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path
from typing import NoReturn

from monitor.audit import DEFAULT_LIMITS
from monitor.i18n import _

SECURITY_MODES = ("starttls", "ssl", "none")
ALERT_MODES = ("digest", "each")
# What password_env must look like: a variable's name, never the password itself.
ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class ConfigError(Exception):
    """The configuration file cannot be used; the message is one line for a person."""


@dataclass(frozen=True)
class SmtpConfig:
    """How to reach the mail server and whom to mail."""

    host: str
    sender: str
    recipients: tuple[str, ...]
    port: int = 587
    security: str = "starttls"
    user: str | None = None
    password_env: str = "GOVWATCH_SMTP_PASSWORD"
    timeout: float = 30


@dataclass(frozen=True)
class AlertsConfig:
    """Which working-day limits raise an alert and how alerts are grouped into mails."""

    limits: tuple[int, ...] = DEFAULT_LIMITS
    mode: str = "digest"
    # A first run on an old portal would otherwise mail every historic late document.
    since_days: int = 90
    since: str | None = None


@dataclass(frozen=True)
class CrawlConfig:
    """What the nightly crawl crawls and where it stores it."""

    site: str = "leda"
    db: str = "govwatch.db"
    start_urls: tuple[str, ...] = ()
    reverify_days: int | None = None
    sweep_pages: int | None = None
    # A hung crawl must not hold the nightly lock for ever.
    time_limit: float = 6 * 3600
    stop_grace: float = 300


@dataclass(frozen=True)
class ScheduleConfig:
    """When the nightly operation runs."""

    cron: str = "30 2 * * *"
    timezone: str = "Asia/Shanghai"


@dataclass(frozen=True)
class Config:
    """The whole file; ``smtp`` is None when alerts are not mailed."""

    path: str = ""
    smtp: SmtpConfig | None = None
    alerts: AlertsConfig = field(default_factory=AlertsConfig)
    crawl: CrawlConfig = field(default_factory=CrawlConfig)
    schedule: ScheduleConfig = field(default_factory=ScheduleConfig)
    # The sections the file has, so a run can tell defaults asked for from a file left empty.
    sections: frozenset[str] = frozenset()
    # The fleet its [[sites]] tables list (SiteProfile each); empty for the one [crawl] site.
    sites: tuple = ()

    @property
    def alerts_disabled_reason(self) -> str | None:
        """Why alerts are not mailed, or None when they are."""
        if self.smtp is None:
            return _("alerts are disabled: {path} has no [smtp] section").format(path=self.path)
        return None

    def require_crawl(self) -> None:
        """Refuse a file without ``[crawl]`` for a run that crawls: its defaults would crawl the
        real leda portal into ./govwatch.db, which an empty or unfinished file never asked for."""
        if "crawl" not in self.sections:
            raise ConfigError(f"{self.path}: no [crawl] section: name the site and the database "
                              '(e.g. [crawl] site = "leda", db = "/var/lib/govwatch/govwatch.db")')


KNOWN_KEYS = {
    "smtp": {"host", "port", "security", "user", "password_env", "sender", "recipients", "timeout"},
    "alerts": {"limits", "mode", "since_days", "since"},
    "crawl": {"site", "db", "start_urls", "reverify_days", "sweep_pages", "time_limit", "stop_grace"},
    "schedule": {"cron", "timezone"},
}


def load_config(path: str | Path) -> Config:
    """Read and check the configuration file at ``path``."""
    path = str(path)
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such configuration file") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return parse_config(data, path)


def parse_config(data: dict, path: str) -> Config:
    """Check the parsed TOML ``data`` of the file ``path`` and build the configuration."""
    for name, value in data.items():
        if name == "sites":
            continue
        if name not in KNOWN_KEYS:
            raise ConfigError(f"{path}: unknown section [{name}]; known: {', '.join(f'[{k}]' for k in KNOWN_KEYS)}")
        if not isinstance(value, dict):
            raise ConfigError(f"{path}: {name} must be a section ([{name}]), not a value")
    sections = {name: _Section(path, name, data.get(name, {})) for name in KNOWN_KEYS}
    return Config(
        path=path,
        smtp=_smtp(sections["smtp"]) if "smtp" in data else None,
        alerts=_alerts(sections["alerts"]),
        crawl=_crawl(sections["crawl"]),
        schedule=_schedule(sections["schedule"]),
        sections=frozenset(data),
        sites=_sites(data, path, sections["crawl"]),
    )


def _sites(data: dict, path: str, crawl: "_Section") -> tuple:
    """The fleet of the file's ``[[sites]]`` tables, which the ``[crawl]`` site and start URLs
    would contradict; none without them."""
    from crawler.profiles import ProfileError, sites_from_data

    if "sites" not in data:
        return ()
    for key in ("site", "start_urls"):
        if key in crawl.values:
            crawl.fail(key, "the file's [[sites]] tables name the sites to crawl: leave it out")
    try:
        return tuple(sites_from_data({"sites": data["sites"]}, path).values())
    except ProfileError as exc:
        raise ConfigError(str(exc)) from None


class _Section:
    """One table of the file, with typed reads whose errors name the file and key.

    A key left out takes the default the dataclass of its section declares (the
    ``SmtpConfig.port`` class attribute, …), so each default is written once.
    """

    def __init__(self, path: str, name: str, values: dict):
        self.path, self.name, self.values = path, name, values
        if name == "smtp" and "password" in values:
            self.fail("password", "refused: store the password in the environment variable named by password_env")
        unknown = sorted(set(values) - KNOWN_KEYS[name])
        if unknown:
            self.fail(unknown[0], f"unknown key; known keys: {', '.join(sorted(KNOWN_KEYS[name]))}")

    def fail(self, key: str, message: str) -> NoReturn:
        """Stop with ``message`` about ``key`` of this section."""
        raise ConfigError(f"{self.path}: [{self.name}] {key}: {message}")

    def get(self, key: str, kind: type | tuple, default, what: str):
        """The value of ``key`` when it has the type ``kind``; ``default`` when absent."""
        if key not in self.values:
            return default
        value = self.values[key]
        # bool is an int subclass in Python, but `port = true` is a mistake.
        if not isinstance(value, kind) or isinstance(value, bool):
            self.fail(key, f"must be {what}, got {value!r}")
        return value

    def text(self, key: str, default=None) -> str | None:
        """A non-empty string."""
        value = self.get(key, str, default, "a string")
        if value is not None and not value.strip():
            self.fail(key, "must not be empty")
        return value

    def strings(self, key: str, default=()) -> tuple[str, ...]:
        """A list of non-empty strings, as a tuple."""
        value = self.get(key, list, list(default), "a list of strings")
        if not all(isinstance(item, str) and item.strip() for item in value):
            self.fail(key, f"must be a list of non-empty strings, got {value!r}")
        return tuple(value)

    def required(self, key: str) -> str:
        """A non-empty string that must be present."""
        value = self.text(key)
        if value is None:
            self.fail(key, "missing")
        return value


def _address(section: _Section, key: str, value: str) -> str:
    """``value`` when it is one mail address; control characters would forge headers."""
    _name, address = parseaddr(value)
    if "@" not in address or any(ord(char) < 32 or ord(char) == 127 for char in value):
        section.fail(key, f"{value!r} is not a mail address")
    return value


def _env_name(section: _Section, key: str, default: str) -> str:
    """The name of an environment variable; anything else there may be a password, so it is never shown."""
    value = section.values.get(key, default)
    if not isinstance(value, str) or not ENV_NAME.fullmatch(value):
        section.fail(key, "must be the name of the environment variable that holds the password (letters, digits "
                          "and _, such as GOVWATCH_SMTP_PASSWORD), not the password; the value is not shown")
    return value


def _smtp(section: _Section) -> SmtpConfig:
    port = section.get("port", int, SmtpConfig.port, "an integer")
    if not 0 < port < 65536:
        section.fail("port", f"must be between 1 and 65535, got {port}")
    security = section.text("security", SmtpConfig.security)
    if security not in SECURITY_MODES:
        section.fail("security", f"must be one of {', '.join(SECURITY_MODES)}, got {security!r}")
    timeout = _seconds(section, "timeout", SmtpConfig.timeout)
    recipients = section.strings("recipients")
    if not recipients:
        section.fail("recipients", "no recipients: list at least one address")
    return SmtpConfig(
        host=section.required("host"),
        port=port,
        security=security,
        user=section.text("user"),
        password_env=_env_name(section, "password_env", SmtpConfig.password_env),
        sender=_address(section, "sender", section.required("sender")),
        recipients=tuple(_address(section, "recipients", item) for item in recipients),
        timeout=timeout,
    )


def _alerts(section: _Section) -> AlertsConfig:
    limits = section.get("limits", list, list(AlertsConfig.limits), "a list of working-day counts")
    if not limits or not all(isinstance(item, int) and not isinstance(item, bool) and item > 0 for item in limits):
        section.fail("limits", f"must be a non-empty list of positive integers, got {limits!r}")
    mode = section.text("mode", AlertsConfig.mode)
    if mode not in ALERT_MODES:
        section.fail("mode", f"must be one of {', '.join(ALERT_MODES)}, got {mode!r}")
    since_days = section.get("since_days", int, AlertsConfig.since_days, "a number of days")
    if since_days < 0:
        section.fail("since_days", f"must not be negative, got {since_days}")
    since = section.get("since", (str, dt.date), None, "a date like 2020-01-01")
    if isinstance(since, str):
        try:
            since = dt.date.fromisoformat(since)
        except ValueError:
            section.fail("since", f"must be a date like 2020-01-01, got {since!r}")
    return AlertsConfig(limits=tuple(sorted(set(limits))), mode=mode, since_days=since_days,
                        since=since.isoformat() if since else None)


def _crawl(section: _Section) -> CrawlConfig:
    from crawler.profiles import ProfileError, resolve_profile

    site = section.text("site", CrawlConfig.site)
    start_urls = section.strings("start_urls")
    # The site alone first, so an error names the key that is wrong.
    for key, urls in (("site", []), ("start_urls", list(start_urls))):
        try:
            resolve_profile(site, urls, [])
        except ProfileError as exc:
            section.fail(key, str(exc))
    reverify_days = section.get("reverify_days", int, None, "a number of days")
    if reverify_days is not None and reverify_days < 1:
        section.fail("reverify_days", f"must be at least 1, got {reverify_days}")
    sweep_pages = section.get("sweep_pages", int, None, "a number of pages")
    if sweep_pages is not None and sweep_pages < 1:
        section.fail("sweep_pages", f"must be at least 1, got {sweep_pages}")
    return CrawlConfig(site=site, db=section.text("db", CrawlConfig.db), start_urls=start_urls,
                       reverify_days=reverify_days, sweep_pages=sweep_pages, time_limit=_seconds(section, "time_limit", CrawlConfig.time_limit),
                       stop_grace=_seconds(section, "stop_grace", CrawlConfig.stop_grace))


def _seconds(section: _Section, key: str, default: float) -> float:
    """A positive number of seconds."""
    value = section.get(key, (int, float), default, "a number of seconds")
    if value <= 0:
        section.fail(key, f"must be positive, got {value}")
    return value


def _schedule(section: _Section) -> ScheduleConfig:
    from apscheduler.triggers.cron import CronTrigger

    timezone = section.text("timezone", ScheduleConfig.timezone)
    try:
        zone = zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        section.fail("timezone", f"unknown time zone {timezone!r} (use a name such as Asia/Shanghai)")
    cron = section.text("cron", ScheduleConfig.cron)
    try:
        CronTrigger.from_crontab(cron, timezone=zone)
    except ValueError as exc:
        section.fail("cron", f"not a cron expression ({exc})")
    return ScheduleConfig(cron=cron, timezone=timezone)
