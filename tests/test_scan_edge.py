"""A 数电 scan, whose goods table prints no rule between 名称 and 规格型号, read through the whole
pipeline: the detector boxed the name's first line and its 规格型号 as one line
("…戴尔(DELL 7090MT"), and the table's own 规格型号 edge parts them (capture/extract/scan_table.py)."""

from __future__ import annotations

import json
from pathlib import Path

from capture.pipeline import process_file

SCANNED = Path(__file__).resolve().parents[1] / "fixtures" / "scanned"
TEXTS = ("name", "spec", "unit", "quantity", "unit_price", "amount", "tax")


def _folded(items: list[dict]) -> list[list[str]]:
    """The items' cells with spaces folded, as `capture eval` scores a scan."""
    return [["".join(str(item.get(key)).split()) for key in TEXTS] for item in items]


def test_one_box_across_name_and_spec_on_a_scan_without_column_rules_goes_out_ready():
    name = "syn_16161_0015_scan150.jpg"
    truth = json.loads((SCANNED / name.replace(".jpg", ".truth.json")).read_text(encoding="utf-8"))
    want = truth["invoices"][0]["invoice"]["items"]
    record = process_file(SCANNED / name, "scan.jpg").records[0]
    got = [item.model_dump(mode="json") for item in record.invoice.items]
    assert _folded(got) == _folded(want)
    assert ("*电子计算机*戴尔(DELL)OptiPlex 7090台式机", "7090MT") in [(i["name"], i["spec"]) for i in want]
    assert record.status == "ready", record.reasons
