"""Site profiles: where a portal's disclosure section starts and which paths belong to it.

The spider is generic; a profile only names the start pages and the path prefixes
whose links it follows. A crawl with start URLs and no profile follows the whole host.
"""

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

from scrapy.settings import Settings


@dataclass(frozen=True)
class SiteProfile:
    """One portal layout: start pages and the path prefixes of its disclosure section."""

    name: str
    start_urls: tuple[str, ...]
    allow_prefixes: tuple[str, ...]
    description: str


PROFILES = {
    "leda": SiteProfile(
        name="leda",
        start_urls=("http://www.leda.gov.cn/",),
        # VSB portals keep listings under the section's path and details under /info/.
        allow_prefixes=("/zfxxgk", "/xxgk", "/info/"),
        description="Linyi Economic and Technological Development Area (VSB CMS)",
    ),
}
GENERIC = SiteProfile("generic", (), ("/",), "any portal, from its start URLs")


class ProfileError(ValueError):
    """An unknown site or unusable start URL; the message is for a person."""


def resolve_profile(site: str | None, start_urls: list[str], allow_prefixes: list[str]) -> SiteProfile:
    """The profile a crawl runs with: a named site, optionally with other start URLs or prefixes."""
    if site is None:
        base = GENERIC if start_urls else PROFILES["leda"]
    elif site in PROFILES:
        base = PROFILES[site]
    else:
        raise ProfileError(f"unknown site {site!r}; known sites: {', '.join(sorted(PROFILES))}")
    for url in start_urls:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ProfileError(f"start URL {url!r} is not an http(s) URL")
    return SiteProfile(
        name=base.name,
        start_urls=tuple(start_urls) or base.start_urls,
        allow_prefixes=tuple(allow_prefixes) or base.allow_prefixes,
        description=base.description,
    )


def is_loopback(url: str) -> bool:
    """True when ``url`` points at this machine (the sample portal), never a real portal."""
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def crawl_settings(profile: SiteProfile, db_path: str, overrides: dict | None = None) -> Settings:
    """Project settings for one crawl, politeness lifted only when every start URL is local."""
    # From the module, not scrapy.cfg, so govwatch works from any directory.
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("GOVWATCH_DB", str(db_path), priority="cmdline")
    if all(is_loopback(url) for url in profile.start_urls):
        settings.setdict(
            {
                "AUTOTHROTTLE_ENABLED": False,
                "DOWNLOAD_DELAY": 0,
                "CONCURRENT_REQUESTS": 32,
                "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
            },
            priority="cmdline",
        )
    settings.setdict(overrides or {}, priority="cmdline")
    return settings
