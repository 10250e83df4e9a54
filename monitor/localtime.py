"""Times shown to people, in the portal's zone; the database keeps UTC.

The zone is ``GOVWATCH_TIMEZONE`` (an IANA name), else Asia/Shanghai, where the portals
govwatch watches keep their office hours. Every time shown names its zone.
"""

import datetime as dt
import os
import zoneinfo

DEFAULT_ZONE = "Asia/Shanghai"


def display_zone() -> zoneinfo.ZoneInfo:
    """The zone times are shown in; an unknown name falls back to the default (it is display only)."""
    name = os.environ.get("GOVWATCH_TIMEZONE") or DEFAULT_ZONE
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
