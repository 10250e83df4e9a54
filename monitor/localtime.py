"""Times shown to people, in the portal's zone; the database keeps UTC.

The zone is ``GOVWATCH_TIMEZONE`` (an IANA name), else the ``[schedule] timezone`` of the
configuration file a command runs with (:func:`set_configured_zone`: ``nightly``,
``schedule``, ``alerts test``), else Asia/Shanghai, where the portals govwatch watches
keep their office hours. The variable wins over the file as it wins elsewhere: it is the
operator's override for one run. Every time shown names its zone.
"""

import datetime as dt
import os
import zoneinfo

DEFAULT_ZONE = "Asia/Shanghai"

_configured: str | None = None


def set_configured_zone(name: str | None) -> None:
    """Show times in ``name``, the configuration file's zone, unless GOVWATCH_TIMEZONE says
    otherwise; None goes back to the default."""
    global _configured
    _configured = name


def display_zone() -> zoneinfo.ZoneInfo:
    """The zone times are shown in; an unknown name falls back to the default (it is display only)."""
    name = os.environ.get("GOVWATCH_TIMEZONE") or _configured or DEFAULT_ZONE
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(DEFAULT_ZONE)


def shown(moment: dt.datetime | str | None) -> str | None:
    """A UTC time (a datetime or the ISO text the database stores) in the display zone,
    with the zone named: ``2021-03-02 09:15:00 Asia/Shanghai``; None stays None and text
    that is no time is returned as it is."""
    if moment is None or moment == "":
        return None
    if isinstance(moment, str):
        try:
            moment = dt.datetime.fromisoformat(moment.replace("Z", "+00:00"))
        except ValueError:
            return moment
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    zone = display_zone()
    return f"{moment.astimezone(zone):%Y-%m-%d %H:%M:%S} {zone.key}"


def now_shown() -> str:
    """Now, in the display zone, with the zone named."""
    return shown(dt.datetime.now(dt.timezone.utc))
