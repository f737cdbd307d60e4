"""An invoice whose every line is 免税/不征税 with its tax printed as *** prints *** as 合计税额
too: its tax is null (the invoice prints no number there), never 0.00, and it still goes out
`ready` with amount = total. Drawn by the generator (digital, legacy and a legacy 销货清单)."""

import json
from random import Random

import pytest

from capture.evaluate import score_invoice
from capture.pipeline import run_batch
from capture.register.store import Ledger
from fixtures.generate import render, truth_document
from fixtures.invoices import Options, make_draft
from fixtures.pen import CID_FONT, available_fonts


def _exempt_draft(seed: int, family: str, list_form: bool):
    rng = Random(seed)
    draft = make_draft(rng, family, Options(family, None, False, False, 3, list_form))
    for line in draft.lines:
        line.rate, line.tax = rng.choice(["免税", "不征税"]), None
    return draft, rng


@pytest.mark.parametrize(
    ("family", "list_form"), [("digital", False), ("legacy", False), ("legacy", True)]
)
def test_all_lines_exempt_read_a_null_tax_and_go_out_ready(tmp_path, family, list_form):
    available_fonts()
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for index in range(3):
        draft, rng = _exempt_draft(1807 + index, family, list_form)
        rendered = render([draft], rng, CID_FONT)
        name = f"exempt_{index}.pdf"
        (inbox / name).write_bytes(rendered.data)
        truth = truth_document(name, rendered, [draft], {"seed": 1807 + index})
        assert truth["invoices"][0]["invoice"]["tax"] is None
        (inbox / f"exempt_{index}.truth.json").write_text(json.dumps(truth, ensure_ascii=False), encoding="utf-8")
    with Ledger() as ledger:
        records = {r.source.file: r for r in run_batch([inbox], ledger, workers=1).records}
    for index in range(3):
        truth = json.loads((inbox / f"exempt_{index}.truth.json").read_text(encoding="utf-8"))
        record = records[f"exempt_{index}.pdf"]
        expected = truth["invoices"][0]["invoice"]
        scores = score_invoice(record.to_json_dict()["invoice"], expected, set())
        assert [name for name, ok in scores.items() if not ok] == []
        assert record.invoice.tax is None and record.invoice.amount == record.invoice.total
        assert record.status == "ready", record.reasons
