"""Freshly generated text-layer invoices of both families: every field exact, none wrong and ready."""

import pytest

from capture.evaluate import score_invoice
from capture.pipeline import run_batch, write_outputs
from capture.register.store import Ledger
from fixtures.generate import FileOptions, generate, write_file
from tests.conftest import load_truth


@pytest.mark.parametrize("seed", [314, 2718])
def test_generated_invoices_are_read_exactly(tmp_path, seed):
    inbox = tmp_path / "inbox"
    generate(inbox, 40, seed)
    with Ledger() as ledger:
        result = run_batch([inbox], ledger, workers=2)
    records = {(r.source.file, r.source.page): r for r in result.records}
    wrong = []
    for truth_path in sorted(inbox.glob("*.truth.json")):
        truth = load_truth(truth_path)
        for entry in truth["invoices"]:
            record = records[(truth["file"], entry["page"])]
            scores = score_invoice(record.to_json_dict()["invoice"], entry["invoice"], set())
            bad = [name for name, ok in scores.items() if not ok]
            if bad or record.status != "ready":
                wrong.append((truth["file"], entry["page"], record.status, bad, record.reasons))
    assert wrong == []
    assert all(f.error is None for f in result.files)


@pytest.mark.parametrize(
    "options",
    [FileOptions("continued", "digital", items=16), FileOptions("continued", "legacy", items=12),
     FileOptions("multi", "mixed"), FileOptions("single", "digital", red=True),
     FileOptions("single", "legacy", discount=True)],
    ids=["digital-continued", "legacy-list", "multi", "red", "discount"],
)
def test_each_form(tmp_path, options):
    write_file(tmp_path, "form", 99, 0, options=options)
    with Ledger() as ledger:
        result = run_batch([tmp_path], ledger, workers=1)
        write_outputs(result, tmp_path / "out", ledger)
    truth = load_truth(tmp_path / "form.truth.json")
    assert [r.source.page for r in result.records] == [e["page"] for e in truth["invoices"]]
    for record, entry in zip(result.records, truth["invoices"], strict=True):
        scores = score_invoice(record.to_json_dict()["invoice"], entry["invoice"], set())
        assert [n for n, ok in scores.items() if not ok] == [] and record.status == "ready", record.reasons
