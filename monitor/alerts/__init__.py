"""Operating govwatch: the nightly run, its schedule and configuration, crawl health, and
the alert mails."""
