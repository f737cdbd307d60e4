"""Fault injection over the whole decision: a corrupted provable field never reaches `ready`
with a wrong value; it is kept out with a reason naming the field, or repaired from witnesses."""

from fixtures.faults import FIELDS, false_alarms, run_fault_injection

TAX_IDS = ["buyer.tax_id", "seller.tax_id"]


def _share(counts: dict) -> float:
    return (counts.get("caught", 0) + counts.get("repaired", 0)) / sum(counts.values())


def test_every_corruption_is_caught_or_repaired():
    results = run_fault_injection(count=2200, seed=11)
    assert sum(sum(c.values()) for c in results.values()) >= 2000
    for field in FIELDS:
        if field in TAX_IDS:
            continue
        assert sum(results[field].values()) >= 150, field
        assert _share(results[field]) == 1.0, (field, results[field])


def test_tax_id_corruptions_are_caught_but_for_check_digit_collisions():
    results = run_fault_injection(count=4000, seed=13, fields=TAX_IDS)
    for field in TAX_IDS:
        assert _share(results[field]) >= 0.999, (field, results[field])


def test_clean_invoices_are_not_sent_to_review():
    alarms, reasons = false_alarms(600, seed=12)
    assert alarms / 600 <= 0.005, reasons[:5]
