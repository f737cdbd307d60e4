"""The form's printed grid on text-layer PDFs: a value belongs to the cell its rules enclose."""

import dataclasses
import datetime as dt
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from capture.evaluate import score_invoice
from capture.extract.page import extract_page
from capture.pipeline import process_file
from capture.read.pdf import read_pdf_pages
from capture.read.pdf_rules import ruled_lines
from tests.conftest import REAL, load_truth

GRID = Path(__file__).parent.parent / "fixtures" / "grid"
WRAPPED = ["legacy_wrapped_latin.pdf", "legacy_wrapped_spaced.pdf"]


@pytest.mark.parametrize("name", WRAPPED)
def test_a_name_wrapping_over_three_lines_with_latin_words_reads_exactly(name):
    truth = load_truth(GRID / name.replace(".pdf", ".truth.json"))
    (record,) = process_file(GRID / name, name, today=dt.date(2030, 1, 1)).records
    scores = score_invoice(record.to_json_dict()["invoice"], truth["invoices"][0]["invoice"], set())
    assert [field for field, ok in scores.items() if not ok] == []
    assert record.status == "ready", record.reasons


def test_without_its_rules_the_spaced_name_leaks_into_the_next_column():
    """The rules are what puts the name right: word gaps alone send part of it to 规格型号."""
    (page,) = read_pdf_pages(GRID / "legacy_wrapped_spaced.pdf")
    ruled = extract_page(page).invoice["items"][0]
    guessed = extract_page(dataclasses.replace(page, rules=[])).invoice["items"][0]
    assert ruled["spec"] == "MX 3S"
    assert guessed["spec"] != "MX 3S" and "Logitech" not in (guessed["name"] or "")


def test_the_column_rules_of_a_real_invoice_are_read_from_its_paths():
    document = pdfium.PdfDocument(str(REAL / "iocr_041001900111_32321709.pdf"))
    try:
        page = document[0]
        rules = ruled_lines(page, page.get_size()[1])
    finally:
        document.close()
    table = sorted(round(x0) for x0, y0, x1, y1 in rules if x0 == x1 and y0 < 150 and y1 > 265)
    # the frame, 名称|规格型号|单位|数量|单价|金额|税率|税额, the frame
    assert table == [23, 176, 219, 254, 320, 391, 480, 504, 592]
    horizontal = [r for r in rules if r[1] == r[3]]
    assert any(round(r[1]) == 144 and r[2] - r[0] > 500 for r in horizontal)  # the table's top


def test_a_digital_invoice_without_column_rules_reads_as_before():
    name = "ljf_25322000000337005189.pdf"
    truth = load_truth(REAL / name.replace(".pdf", ".truth.json"))
    (page,) = read_pdf_pages(REAL / name)
    assert page.rules  # its frame
    items = extract_page(page).invoice["items"]
    assert items == extract_page(dataclasses.replace(page, rules=[])).invoice["items"]
    assert [i["name"] for i in items] == [i["name"] for i in truth["invoices"][0]["invoice"]["items"]]
