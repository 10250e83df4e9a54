import pytest

from monitor.audit.reconcile import claim_status


@pytest.mark.parametrize(
    "claimed, observed, bound, key, status",
    [
        (2763, 2763, None, "portal_items", "match"),
        (43, 41, None, "interpretations", "short"),
        (43, 45, None, "interpretations", "over"),
        (700, 712, "lower", "key_area_items", "within_bound"),
        (700, 700, "lower", "key_area_items", "short"),
        (500, 460, "approx", "key_area_items", "within_bound"),
        (500, 440, "approx", "key_area_items", "short"),
        (15, 12, None, "timeliness_limit_workdays", "within_bound"),
        (15, 40, None, "timeliness_limit_workdays", "over"),
    ],
)
def test_claim_status(claimed, observed, bound, key, status):
    assert claim_status(claimed, observed, bound, key) == status
