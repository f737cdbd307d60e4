"""OCR confidence in the decision: a key field read with low confidence goes to `review`
unless a check proves it (the QR, a check digit, the arithmetic with the 大写 total).

Text layers, OFD and XML read every field with confidence 1.0, so this rule only ever
speaks for scans and photos.
"""

from __future__ import annotations

from capture.contract.fields import label
from capture.contract.record import Check

#: Below this OCR confidence a field needs a proof to be `ready`.
LOW_CONFIDENCE = 0.85
KEY_FIELDS = (
    "kind", "code", "number", "date", "check_code",
    "buyer.name", "buyer.tax_id", "seller.name", "seller.tax_id",
    "amount", "tax", "total", "items",
)
#: field -> the (rule, field) checks any one of which proves it when ok.
PROOFS: dict[str, tuple[tuple[str, str], ...]] = {
    "kind": (("kind_consistent", "kind"),),
    "code": (("qr_agreement", "code"),),
    "number": (("qr_agreement", "number"),),
    "date": (("qr_agreement", "date"),),
    "check_code": (("qr_agreement", "check_code"),),
    "buyer.tax_id": (("uscc_check_digit", "buyer.tax_id"),),
    "seller.tax_id": (("uscc_check_digit", "seller.tax_id"),),
    "amount": (("qr_agreement", "amount"),),
    "total": (("qr_agreement", "total"), ("total_in_words", "total")),
}


def _proven(name: str, passed: set[tuple[str, str]]) -> bool:
    if ("repaired", name) in passed:
        return True
    if name == "tax":  # amount + tax = total, with both ends proven
        return ("amount_plus_tax", "total") in passed and _proven("amount", passed) and _proven("total", passed)
    return any(proof in passed for proof in PROOFS.get(name, ()))


def confidence_checks(confidence: dict[str, float], checks: list[Check]) -> list[Check]:
    """One `ocr_confidence` check per key field read with low confidence that no check proves."""
    passed = {(c.rule, c.field) for c in checks if c.ok}
    found = []
    for name in KEY_FIELDS:
        score = confidence.get(name)
        if score is None or score >= LOW_CONFIDENCE or _proven(name, passed):
            continue
        found.append(
            Check(
                rule="ocr_confidence",
                field=name,
                ok=False,
                message=(
                    f"{label(name)} could not be read from the scan: type it from the paper"
                    if score == 0
                    else f"{label(name)} was read with low confidence ({score:.2f}) and nothing proves it: compare it with the paper"
                ),
            )
        )
    return found
