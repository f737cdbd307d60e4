"""Shared by the checks' tests: a real invoice's truth as data, and the error checks it fails."""

import copy
import datetime as dt

from capture.contract.qr import parse_qr
from capture.contract.record import Invoice
from capture.verify.checks import Witnesses, run_checks
from tests.conftest import REAL, load_truth

TODAY = dt.date(2026, 11, 28)


def sample(name: str) -> tuple[dict, Witnesses]:
    """A labelled real invoice's fields (a copy to change) and its QR witnesses."""
    entry = load_truth(REAL / name)["invoices"][0]
    return copy.deepcopy(entry["invoice"]), Witnesses(qr=[parse_qr(q) for q in entry["qr"]], today=TODAY)


def failures(data: dict, witnesses: Witnesses) -> dict[str, list[str]]:
    """The error checks the data fails, by field."""
    out: dict[str, list[str]] = {}
    for check in run_checks(Invoice.model_validate(data), witnesses):
        if not check.ok and check.severity == "error":
            out.setdefault(check.field, []).append(f"{check.rule}: {check.message}")
    return out
