"""The sample portal's report in real headless Chromium: it renders without console errors,
loads nothing from the network, and the charts' data points are in the rendered DOM.

A screenshot of the first screen is kept in test-artifacts/ for a person to look at.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import lxml.html
import pytest

from tests.monitor.report.test_report import built, built_zh  # noqa: F401  (module fixtures: crawl, audit, reports)

# Renders the report in Chromium.
pytestmark = pytest.mark.slow

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
    # Any host lookup fails, so a resource the report tried to load would show as a console error.
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--enable-logging=stderr", "--v=0",
]
# An empty page of this size compresses to well under 10 kB; text and charts make it far larger.
MIN_SCREENSHOT_BYTES = 30_000
# Added to a copy of the report: every chart text's box as Chromium lays it out, in the
# chart's viewBox units, written into the DOM that --dump-dom prints.
MEASURE_TEXT = """<script>
var boxes = [];
document.querySelectorAll("svg.chart").forEach(function (svg, chart) {
  var view = svg.viewBox.baseVal;
  svg.querySelectorAll("text").forEach(function (text) {
    var box = text.getBBox();
    boxes.push({chart: chart, text: text.textContent, left: box.x, top: box.y, right: box.x + box.width,
                bottom: box.y + box.height, width: view.width, height: view.height});
  });
});
document.body.setAttribute("data-text-boxes", JSON.stringify(boxes));
</script>"""


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    """Run headless Chromium, found as scripts/ensure-chromium finds it, with a throw-away profile."""
    named = os.environ.get("GOVWATCH_CHROMIUM")
    binary = shutil.which(named) if named else shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        pytest.fail("chromium is not installed: run scripts/ensure-chromium (make test does)")
    return subprocess.run([binary, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *args],
                          capture_output=True, text=True, timeout=120)


def console_lines(stderr: str) -> list[str]:
    """What the page wrote to the console: script errors, failed loads, logs."""
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


@pytest.fixture(scope="module")
def rendered(built, tmp_path_factory):  # noqa: F811
    tmp_path = tmp_path_factory.mktemp("chromium")
    done = chromium(tmp_path, "--dump-dom", built["path"].as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def test_report_renders_without_console_errors(rendered):
    assert console_lines(rendered.stderr) == []


def test_charts_data_points_are_in_the_rendered_dom(rendered, built):  # noqa: F811
    dom = lxml.html.fromstring(rendered.stdout)
    source = lxml.html.fromstring(built["html"])
    points = "svg rect[data-value]"
    assert len(dom.cssselect(points)) == len(source.cssselect(points)) > 0
    late = built["audit"]["timeliness"]["late"]
    histogram = {int(r.get("data-workdays")): int(r.get("data-value")) for r in dom.cssselect("#delays rect[data-workdays]")}
    assert sum(n for days, n in histogram.items() if days > 20) == late["20"]
    months = {r.get("data-category"): int(r.get("data-total")) for r in dom.cssselect("#monthly text[data-total]")}
    assert months == built["audit"]["counts"]["by_month"]
    assert len(dom.cssselect("#late-table tbody tr")) == len(built["audit"]["timeliness"]["late_items"])


def test_first_screen_screenshot_is_kept(built, tmp_path):  # noqa: F811
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "report-first-screen.png"
    shot.unlink(missing_ok=True)
    done = chromium(tmp_path, "--window-size=1280,900", f"--screenshot={shot}", built["path"].as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    assert console_lines(done.stderr) == []
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > MIN_SCREENSHOT_BYTES


def test_the_chinese_report_screenshot_is_kept(built_zh, tmp_path):  # noqa: F811
    """test-artifacts/report-zh-first-screen.png: the report as a Chinese reader first sees it."""
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "report-zh-first-screen.png"
    shot.unlink(missing_ok=True)
    done = chromium(tmp_path, "--window-size=1280,900", f"--screenshot={shot}", built_zh["path"].as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    assert console_lines(done.stderr) == []
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > MIN_SCREENSHOT_BYTES


def test_every_chart_label_lies_inside_its_chart(built, tmp_path):  # noqa: F811
    measured = tmp_path / "measured.html"
    measured.write_text(built["html"].replace("</body>", MEASURE_TEXT + "</body>"), encoding="utf-8")
    done = chromium(tmp_path, "--dump-dom", measured.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    boxes = json.loads(lxml.html.fromstring(done.stdout).find("body").get("data-text-boxes"))
    assert len(boxes) == len(lxml.html.fromstring(built["html"]).cssselect("svg.chart text")) > 0
    outside = [(box["chart"], box["text"], round(box["left"]), round(box["right"])) for box in boxes
               if box["left"] < 0 or box["top"] < 0 or box["right"] > box["width"] or box["bottom"] > box["height"]]
    assert outside == []
