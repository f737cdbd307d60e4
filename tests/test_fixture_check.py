"""fixtures.check, the generator's self-check: the committed examples pass it, and a truth
whose arithmetic no longer holds (a travel fare, an item amount) is caught."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from fixtures import check

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def test_committed_generated_fixtures_pass_their_self_check():
    assert check.main([str(FIXTURES / "families"), "--qr", "0"]) == 0
    assert check.main([str(FIXTURES / "inbox")]) == 0


def _broken(folder: Path, name: str, change) -> Path:
    """A copy of a committed example whose truth `change` edits."""
    folder.mkdir()
    for path in (FIXTURES / "families").glob(f"{name}.*"):
        shutil.copy(path, folder / path.name)
    truth_path = folder / f"{name}.truth.json"
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    change(truth["invoices"][0]["invoice"])
    truth_path.write_text(json.dumps(truth, ensure_ascii=False), encoding="utf-8")
    return folder


def test_a_truth_whose_fare_or_amount_no_longer_adds_up_is_caught(tmp_path, capsys):
    flight = _broken(tmp_path / "air", "air_18_0003", lambda invoice: invoice["travel"].update(fare="5111.00"))
    assert check.main([str(flight), "--qr", "0"]) == 1
    assert "travel fare parts != total" in capsys.readouterr().out
    toll = _broken(tmp_path / "toll", "toll_legacy_18_0000", lambda invoice: invoice["items"][0].update(amount="1.00"))
    assert check.main([str(toll), "--qr", "0"]) == 1
    assert "item sums differ" in capsys.readouterr().out
