"""Generated 数电 通行费 invoices (fixtures/toll.py) and 差额征税 invoices (fixtures/difference.py)
are read exactly and go out `ready`: the tolls with their vehicle and trip, the 差额征税 ones
with their tax proven on the amount less the deduction."""

from capture.evaluate import score_invoice
from capture.pipeline import run_batch
from capture.register.store import Ledger
from fixtures.generate import generate
from tests.conftest import load_truth


def _read(tmp_path, family: str, count: int, seed: int):
    inbox = tmp_path / family
    generate(inbox, count, seed, [family])
    with Ledger() as ledger:
        result = run_batch([inbox], ledger, workers=1)
    return inbox, {r.source.file: r for r in result.records}


def test_generated_difference_taxed_invoices_are_read_exactly(tmp_path):
    inbox, records = _read(tmp_path, "difference", 16, 20261804)
    for truth_path in sorted(inbox.glob("*.truth.json")):
        truth = load_truth(truth_path)
        record = records[truth["file"]]
        scores = score_invoice(record.to_json_dict()["invoice"], truth["invoices"][0]["invoice"], set())
        assert [name for name, ok in scores.items() if not ok] == [] and record.status == "ready", record.reasons
        assert [c.ok for c in record.checks if c.rule == "difference_tax"] == [True]


def test_generated_toll_invoices_are_read_exactly(tmp_path):
    inbox = tmp_path / "inbox"
    generate(inbox, 25, 20261802, ["toll"])
    with Ledger() as ledger:
        result = run_batch([inbox], ledger, workers=1)
    records = {r.source.file: r for r in result.records}
    wrong = []
    for truth_path in sorted(inbox.glob("*.truth.json")):
        truth = load_truth(truth_path)
        record = records[truth["file"]]
        expected = truth["invoices"][0]["invoice"]
        scores = score_invoice(record.to_json_dict()["invoice"], expected, set())
        bad = [name for name, ok in scores.items() if not ok]
        if bad or record.status != "ready":
            wrong.append((truth["file"], record.status, bad, record.reasons))
        assert expected["kind"] == "digital_toll" and expected["tax"] is None
        assert expected["items"][0]["plate"] and expected["items"][0]["period_start"]
    assert wrong == []
