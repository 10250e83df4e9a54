"""The sample portal scaled for benchmarks: same shape and defect rates, built fast and small."""

import json
import subprocess
import sys

import pytest

from monitor.demo.sample_portal.catalogue import SEED
from monitor.demo.sample_portal.model import BACKDATED_DAY, build_portal, ground_truth, load_ground_truth
from monitor.demo.sample_portal.pages import render_detail
from monitor.demo.sample_portal.server import serve
from tests.monitor.demo.test_sample_portal import assert_consistent, fetch

# Builds sample portals of up to 100,000 documents and serves one.
pytestmark = pytest.mark.slow

SIZE = 20000


@pytest.fixture(scope="module")
def scaled():
    return ground_truth(SEED, 0, SIZE)


def _shares(counts: dict, total: int) -> dict:
    return {key: value / total for key, value in counts.items()}


def _rates(gt: dict) -> dict:
    """Planted defects and traits per document."""
    late = sum(t["late"]["15"] for t in gt["timeliness"].values())
    unknown = sum(t["unknown"] for t in gt["timeliness"].values())
    keys = ("gbk_pages", "attachments", "index_year_mismatch", "duplicate_index_numbers", "missing_publisher")
    return {**{key: gt[key] / gt["documents"] for key in keys},
            "late": late / gt["documents"], "unknown": unknown / gt["documents"]}


def test_no_size_is_the_catalogue_site():
    assert [render_detail(d) for d in build_portal(SEED, 0, None).documents] == \
           [render_detail(d) for d in build_portal(SEED).documents]
    assert "size" not in load_ground_truth()


def test_scaled_site_has_about_the_size_asked(scaled):
    assert scaled["size"] == SIZE
    assert abs(scaled["documents"] - SIZE) / SIZE < 0.01
    assert_consistent(scaled)


def test_scaled_site_keeps_the_proportions_of_years_and_columns(scaled):
    default = load_ground_truth()
    for key in ("by_year", "by_column"):
        expected = _shares(default[key], default["documents"])
        for name, share in _shares(scaled[key], scaled["documents"]).items():
            assert share == pytest.approx(expected[name], abs=0.003), (key, name)


def test_scaled_site_plants_defects_at_similar_rates(scaled):
    expected = _rates(load_ground_truth())
    for name, rate in _rates(scaled).items():
        assert rate == pytest.approx(expected[name], rel=0.35), name
    assert scaled["serial_gaps"] >= 1


def test_scaled_site_advances_by_days():
    changes = ground_truth(SEED, BACKDATED_DAY, 2000)["changes"]
    previous = build_portal(SEED, BACKDATED_DAY - 1, 2000)
    assert len(changes["backdated"]) == 1
    assert 0.008 <= (len(changes["new"]) - 1) / len(previous.documents) <= 0.012


def test_too_small_a_size_is_refused():
    with pytest.raises(ValueError):
        build_portal(SEED, 0, 10)


def test_scaled_site_serves_its_pages():
    with serve(size=2000) as site:
        portal = site.portal
        assert portal.size == 2000
        doc = portal.listings["gzdt"][-1]
        last = portal.page_count("gzdt")
        status, _, body = fetch(f"{site.url}/zfxxgk/gzdt/1.htm")
        assert status == 200 and f"{last}/{last}页" in body.decode() and doc.url.rsplit("/", 1)[1] in body.decode()
        assert fetch(site.url + doc.url)[0] == 200


def test_100k_documents_build_fast_and_small():
    # A fresh process, so time and peak memory are this build's alone.
    script = (
        "import json, resource, time\n"
        "from monitor.demo.sample_portal.model import build_portal\n"
        "started = time.perf_counter()\n"
        "portal = build_portal(size=100_000)\n"
        "print(json.dumps({'seconds': time.perf_counter() - started, 'documents': len(portal.documents),\n"
        "                  'slots': not hasattr(portal.documents[0], '__dict__'),\n"
        "                  'peak_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    measured = json.loads(result.stdout)
    assert abs(measured["documents"] - 100_000) < 1000
    assert measured["slots"]
    assert measured["seconds"] < 20
    assert measured["peak_mb"] < 400
