"""Generated 数电 通行费 invoices (fixtures/toll.py) are read exactly and go out `ready` with
their vehicle and trip; the series' near numbers raise no doubt (all read from text layers)."""

from capture.evaluate import score_invoice
from capture.pipeline import run_batch
from capture.register.store import Ledger
from fixtures.generate import generate
from tests.conftest import load_truth


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
