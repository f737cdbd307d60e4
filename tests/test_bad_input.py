"""Files that are not readable invoices: each gets a clear per-file error and the batch goes on."""

import shutil

import pytest
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfgen import canvas

from capture.pipeline import process_file, run_batch
from capture.register.store import Ledger
from tests.conftest import REAL

GOOD = REAL / "ljf_25322000000337005189.pdf"


def _letter_pdf(path, text="Dear customer, thank you for your order. This is not an invoice.", encrypt=None):
    page = canvas.Canvas(str(path), encrypt=encrypt)
    page.drawString(72, 720, text)
    page.drawString(72, 700, "Regards, the shop")
    page.save()


@pytest.fixture
def bad_folder(tmp_path):
    (tmp_path / "empty.pdf").write_bytes(b"")
    (tmp_path / "notes.pdf").write_text("this is a text file with a .pdf name\n")
    (tmp_path / "truncated.pdf").write_bytes(GOOD.read_bytes()[:3000])
    _letter_pdf(tmp_path / "letter.pdf")
    _letter_pdf(tmp_path / "locked.pdf", encrypt=StandardEncryption("secret", canPrint=0))
    blank = canvas.Canvas(str(tmp_path / "blank.pdf"))
    blank.showPage()
    blank.save()
    (tmp_path / "发票 副本").mkdir()
    shutil.copy(GOOD, tmp_path / "发票 副本" / "数电 发票.pdf")
    return tmp_path


def test_each_bad_file_has_a_clear_error_and_the_batch_goes_on(bad_folder):
    result = run_batch([bad_folder], Ledger(), workers=1)
    errors = {f.file: f.error for f in result.files}
    assert errors["empty.pdf"] == "the file is empty"
    assert "not an invoice document" in errors["notes.pdf"]
    assert "truncated or damaged" in errors["truncated.pdf"]
    assert "encrypted" in errors["locked.pdf"]
    blank = [r.status for r in result.records if r.source.file == "blank.pdf"]  # OCR finds no invoice
    assert blank == ["rejected"] if errors["blank.pdf"] is None else "no text" in errors["blank.pdf"]
    assert errors["发票 副本/数电 发票.pdf"] is None
    statuses = {r.source.file: r.status for r in result.records}
    assert statuses["发票 副本/数电 发票.pdf"] == "ready"
    assert statuses["letter.pdf"] == "rejected"


def test_a_letter_is_rejected_with_a_reason(bad_folder):
    record = process_file(bad_folder / "letter.pdf", "letter.pdf").records[0]
    assert record.status == "rejected"
    assert "not an invoice" in record.reasons[0]
