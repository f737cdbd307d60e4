"""Scoring records against truth files, field by field (`capture eval`).

Conventions of the truth files (shared/samples/README.md): quantities and unit prices compare as
numbers; names, specs, addresses and remarks compare with whitespace removed, full-width
punctuation folded to half-width (NFKC: a scan cannot tell ； from ;) and a separator ending the
text (;,.) ignored; a field listed in `uncertain` is not scored.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from decimal import Decimal, InvalidOperation
from pathlib import Path

from capture.contract.fields import field_value

SCALAR_FIELDS = [
    "kind", "code", "number", "date", "check_code", "machine_number",
    "buyer.name", "buyer.tax_id", "buyer.address_phone", "buyer.bank_account",
    "seller.name", "seller.tax_id", "seller.address_phone", "seller.bank_account",
    "amount", "tax", "total", "total_in_words", "payee", "reviewer", "drawer", "remarks",
]
KEY_FIELDS = [
    "kind", "code", "number", "date", "check_code", "buyer.name", "buyer.tax_id",
    "seller.name", "seller.tax_id", "amount", "tax", "total",
]
NUMERIC_ITEM_FIELDS = {"quantity", "unit_price"}


def _folded(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).rstrip(";,.")


def same_value(field: str, got, want) -> bool:
    """Equality under the truth conventions."""
    if want is None or got is None:
        return want is None and got is None
    if field in NUMERIC_ITEM_FIELDS:
        try:
            return Decimal(str(got)) == Decimal(str(want))
        except InvalidOperation:
            return False
    if isinstance(want, str):
        return _folded(str(got)) == _folded(want)
    return got == want


def items_match(got: list[dict], want: list[dict], skip: set[str]) -> bool:
    if len(got) != len(want):
        return False
    for index, (g, w) in enumerate(zip(got, want, strict=True)):
        for name, value in w.items():
            if f"items[{index}].{name}" in skip:
                continue
            if not same_value(name, g.get(name), value):
                return False
    return True


def travel_match(got: dict | None, want: dict | None, skip: set[str]) -> bool:
    """A travel e-invoice's passenger, fare and trips (invoice.travel), field by field."""
    if not want or not got:
        return not want and not got
    for name, value in want.items():
        if f"travel.{name}" in skip:
            continue
        if name == "trips":
            trips = got.get("trips") or []
            if len(trips) != len(value) or not all(
                same_value(key, g.get(key), expected) or f"travel.trips[{index}].{key}" in skip
                for index, (g, w) in enumerate(zip(trips, value, strict=True))
                for key, expected in w.items()
            ):
                return False
        elif not same_value(name, got.get(name), value):
            return False
    return True


def score_invoice(got: dict, want: dict, skip: set[str]) -> dict[str, bool]:
    """Per-field correctness of one invoice."""
    result = {
        name: same_value(name, field_value(got, name), field_value(want, name))
        for name in SCALAR_FIELDS
        if name not in skip
    }
    result["items"] = items_match(got.get("items") or [], want.get("items") or [], skip)
    if want.get("travel") or got.get("travel"):
        result["travel"] = travel_match(got.get("travel"), want.get("travel"), skip)
    return result


def _skipped(truth: dict, index: int) -> set[str]:
    prefix = f"invoices[{index}].invoice."
    return {u["field"][len(prefix):] for u in truth.get("uncertain", []) if u["field"].startswith(prefix)}


def evaluate_folder(truth_dir: Path, records_path: Path) -> dict:
    """Scores of the records of a run over the truth folder."""
    by_source: dict[tuple[str, int], dict] = {}
    for line in records_path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        by_source[(Path(record["source"]["file"]).name, record["source"]["page"])] = record
    field_right: Counter[str] = Counter()
    field_total: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    invoices = exact = key_exact = ready_wrong = missing = 0
    failures: list[dict] = []
    for truth_path in sorted(truth_dir.rglob("*.truth.json")):
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        for index, entry in enumerate(truth["invoices"]):
            invoices += 1
            record = by_source.get((truth["file"], entry.get("page", 1)))
            if record is None:
                missing += 1
                failures.append({"file": truth["file"], "page": entry.get("page", 1), "wrong": ["(no record)"]})
                continue
            statuses[record["status"]] += 1
            scores = score_invoice(record["invoice"], entry["invoice"], _skipped(truth, index))
            for name, ok in scores.items():
                field_total[name] += 1
                field_right[name] += ok
            wrong = [name for name, ok in scores.items() if not ok]
            exact += not wrong
            key_wrong = [name for name in wrong if name in KEY_FIELDS]
            key_exact += not key_wrong
            if wrong and record["status"] == "ready":
                ready_wrong += 1
            if wrong:
                failures.append({"file": truth["file"], "page": entry.get("page", 1), "status": record["status"], "wrong": wrong})
    return {
        "invoices": invoices,
        "missing": missing,
        "exact": exact,
        "exact_rate": exact / invoices if invoices else 0.0,
        "key_exact_rate": key_exact / invoices if invoices else 0.0,
        "ready_with_wrong_field": ready_wrong,
        "statuses": dict(statuses),
        "fields": {name: field_right[name] / field_total[name] for name in field_total},
        "failures": failures,
    }


def format_scores(scores: dict) -> str:
    """A short human-readable summary."""
    lines = [
        f"invoices {scores['invoices']}  missing {scores['missing']}  "
        f"all fields exact {scores['exact']} ({scores['exact_rate']:.2%})  "
        f"key fields exact {scores['key_exact_rate']:.2%}  "
        f"ready with a wrong field {scores['ready_with_wrong_field']}",
        "statuses: " + ", ".join(f"{k} {v}" for k, v in sorted(scores["statuses"].items())),
    ]
    lines += [f"  {name:22} {rate:.2%}" for name, rate in scores["fields"].items() if rate < 1.0]
    for failure in scores["failures"][:20]:
        lines.append(f"  wrong: {failure['file']} p{failure['page']} {failure.get('status', '')}: {', '.join(failure['wrong'])}")
    return "\n".join(lines)
