"""Site profiles: everything govwatch knows about one portal, in one object.

A profile names the start pages, the path prefixes whose links the spider follows, the
portal's own article containers (beside the generic CMS ones the parser knows), and how
each figure of its annual report is observed (``storage.observations``). Profiles are
TOML: a sites file holds one ``[[sites]]`` table per portal (the bundled
``crawler/sites/bundled.toml``, any file given to ``--sites``, or the nightly config);
a profile file given to ``--profile`` is one such table on its own. A crawl with start
URLs and no profile follows the whole host.
"""

import ipaddress
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from importlib.resources import files
from pathlib import Path
from urllib.parse import urlsplit

from storage.observations import observation


@dataclass(frozen=True)
class SiteProfile:
    """One portal: where its disclosure section is, how its pages hold the text, how its claims are observed."""

    name: str
    title: str
    start_urls: tuple[str, ...]
    allow_prefixes: tuple[str, ...]
    # Article containers of this portal (ids, classes), tried before the generic CMS ones.
    body_ids: tuple[str, ...] = ()
    body_classes: tuple[str, ...] = ()
    # claim key: how it is observed, e.g. {"observe": "column", "column": "政策解读"}
    claims: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    # What the body is for Article 49's deadline of its annual report: a "department"
    # (31 January) or a "government" publishing its own report (31 March).
    level: str = "department"
    # column name: its kind for the staleness check ("news", "notice", "other"; an
    # "interpretation" column is a notice one whose documents must link what they interpret)
    # and/or its own threshold in days, e.g. {"政策解读": {"kind": "notice"}, "专题": {"days": 730}}
    columns: Mapping[str, Mapping[str, object]] = field(default_factory=dict)


LEVELS = ("department", "government")
COLUMN_KINDS = ("news", "notice", "interpretation", "other")


class ProfileError(ValueError):
    """An unknown site, an unusable profile file or start URL; the message is for a person."""


_LISTS = ("start_urls", "allow_prefixes", "body_ids", "body_classes")


def _check_start_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ProfileError(f"start URL {url!r} is not an http(s) URL")


def profile_from_data(data: Mapping, source: str) -> SiteProfile:
    """The profile a parsed TOML table describes; ProfileError naming ``source`` and the key at fault."""
    def fail(key: str, message: str):
        raise ProfileError(f"profile {source}: {key}: {message}")

    unknown = sorted(set(data) - {"name", "title", "claims", "level", "columns", *_LISTS})
    if unknown:
        fail(unknown[0], f"unknown key (known: name, title, level, {', '.join(_LISTS)}, claims, columns)")
    if data.get("level", "department") not in LEVELS:
        fail("level", f"must be one of {', '.join(LEVELS)}")
    for key in ("name", "title"):
        if key in data and (not isinstance(data[key], str) or not data[key].strip()):
            fail(key, "must be non-empty text")
    if "name" not in data:
        fail("name", "missing")
    lists = {}
    for key in _LISTS:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
            fail(key, "must be a list of non-empty strings")
        lists[key] = tuple(value)
    if not lists["start_urls"]:
        fail("start_urls", "missing: a profile needs at least one start URL")
    for url in lists["start_urls"]:
        try:
            _check_start_url(url)
        except ProfileError as exc:
            fail("start_urls", str(exc))
    if not all(prefix.startswith("/") for prefix in lists["allow_prefixes"]):
        fail("allow_prefixes", "every prefix must be a path starting with /")
    claims = data.get("claims", {})
    if not isinstance(claims, dict):
        fail("claims", "must be a table of claim keys")
    for key, spec in claims.items():
        if not isinstance(spec, dict):
            fail(f"claims.{key}", "must be a table such as { observe = \"documents\" }")
        try:
            observation(spec)
        except ValueError as exc:
            fail(f"claims.{key}", str(exc))
    columns = data.get("columns", {})
    if not isinstance(columns, dict):
        fail("columns", "must be a table of column names")
    for name, spec in columns.items():
        if not isinstance(spec, dict) or not spec or set(spec) - {"kind", "days"}:
            fail(f"columns.{name}", "must be a table such as { kind = \"news\" } or { days = 90 }")
        if "kind" in spec and spec["kind"] not in COLUMN_KINDS:
            fail(f"columns.{name}.kind", f"must be one of {', '.join(COLUMN_KINDS)}")
        if "days" in spec and (not isinstance(spec["days"], int) or isinstance(spec["days"], bool) or spec["days"] < 1):
            fail(f"columns.{name}.days", "must be a whole number of days, at least 1")
    return SiteProfile(name=data["name"], title=data.get("title", data["name"]),
                       allow_prefixes=lists["allow_prefixes"] or ("/",), claims=claims,
                       level=data.get("level", "department"), columns=columns,
                       **{key: lists[key] for key in _LISTS if key != "allow_prefixes"})


def _read_toml(path: str | Path) -> dict:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ProfileError(f"cannot read profile {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ProfileError(f"profile {path} is not UTF-8 text") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"profile {path} is not valid TOML: {exc}") from None
    return data


def load_profile(path: str | Path) -> SiteProfile:
    """The profile in the TOML file at ``path``; ProfileError in one line when it is unusable."""
    return profile_from_data(_read_toml(path), str(path))


def sites_from_data(data: Mapping, source: str) -> dict[str, SiteProfile]:
    """The profiles of a parsed sites file's ``[[sites]]`` tables, by name, in the file's order."""
    tables = data.get("sites")
    if not isinstance(tables, list) or not tables or not all(isinstance(table, dict) for table in tables):
        raise ProfileError(f"sites file {source}: sites: needs one or more [[sites]] tables")
    sites: dict[str, SiteProfile] = {}
    for number, table in enumerate(tables, 1):
        profile = profile_from_data(table, f"{source} [[sites]] #{number}")
        if profile.name in sites:
            raise ProfileError(f"sites file {source}: the site name {profile.name!r} is used twice")
        sites[profile.name] = profile
    return sites


def load_sites(path: str | Path) -> dict[str, SiteProfile]:
    """The sites of the sites file at ``path``, by name; ProfileError in one line when it is unusable."""
    return sites_from_data(_read_toml(path), str(path))


def pick_sites(sites: Mapping[str, SiteProfile], name: str | None) -> list[SiteProfile]:
    """The site named ``name`` among ``sites``, or every site when no name is given."""
    if name is None:
        return list(sites.values())
    if name not in sites:
        raise ProfileError(f"unknown site {name!r}; known sites: {', '.join(sorted(sites))}")
    return [sites[name]]


BUNDLED = files("crawler").joinpath("sites/bundled.toml")
PROFILES = sites_from_data(tomllib.loads(BUNDLED.read_text(encoding="utf-8")), "crawler/sites/bundled.toml")
# The national template's column names are the generic profile's best guess at any
# portal's, so it observes claims as leda does.
GENERIC = replace(PROFILES["leda"], name="generic", title="any portal, from its start URLs",
                  start_urls=(), allow_prefixes=("/",), body_ids=(), body_classes=())


def resolve_profile(site: str | SiteProfile | None, start_urls: list[str], allow_prefixes: list[str]) -> SiteProfile:
    """The profile a crawl or audit runs with: a named site or a loaded profile, optionally
    with other start URLs or prefixes (no site and start URLs: the generic profile)."""
    if isinstance(site, SiteProfile):
        base = site
    elif site is None:
        base = GENERIC if start_urls else PROFILES["leda"]
    elif site in PROFILES:
        base = PROFILES[site]
    else:
        raise ProfileError(f"unknown site {site!r}; known sites: {', '.join(sorted(PROFILES))}")
    for url in start_urls:
        _check_start_url(url)
    return replace(base, start_urls=tuple(start_urls) or base.start_urls,
                   allow_prefixes=tuple(allow_prefixes) or base.allow_prefixes)


def is_loopback(url: str) -> bool:
    """True when ``url`` points at this machine (the sample portal), never a real portal."""
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
