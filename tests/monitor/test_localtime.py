"""Times shown to people: GOVWATCH_TIMEZONE, else the configuration file's zone, else Asia/Shanghai."""

from monitor.localtime import display_zone, set_configured_zone, shown

STORED = "2021-03-01T20:15:00Z"


def test_the_environment_wins_over_the_configuration_which_wins_over_the_default(monkeypatch):
    monkeypatch.delenv("GOVWATCH_TIMEZONE", raising=False)
    assert shown(STORED) == "2021-03-02 04:15:00 Asia/Shanghai"
    set_configured_zone("Europe/London")
    assert display_zone().key == "Europe/London" and shown(STORED) == "2021-03-01 20:15:00 Europe/London"
    monkeypatch.setenv("GOVWATCH_TIMEZONE", "Asia/Tokyo")
    assert shown(STORED) == "2021-03-02 05:15:00 Asia/Tokyo"
    monkeypatch.delenv("GOVWATCH_TIMEZONE")
    set_configured_zone(None)
    assert display_zone().key == "Asia/Shanghai"


def test_an_unknown_zone_falls_back_to_the_default(monkeypatch):
    monkeypatch.setenv("GOVWATCH_TIMEZONE", "Mars/Olympus")
    assert display_zone().key == "Asia/Shanghai"
