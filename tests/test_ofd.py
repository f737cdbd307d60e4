"""OFD invoices: real samples, synthetic files of every data placement, and hostile packages."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import pytest

from capture.contract.record import Record
from capture.decide import build_record
from capture.errors import InputError
from capture.evaluate import score_invoice
from capture.extract.join import group_pages
from capture.intake import safe_zip
from capture.pipeline import read_ofd_drafts
from capture.read.ofd import SOURCES
from capture.read.ofd.content import _deltas
from fixtures.ofd_xml import generate, main, ofd_parts, zip_bytes
from tests.conftest import REAL, load_truth

TODAY = dt.date(2030, 1, 1)  # synthetic invoices are dated up to 2026
EASYOFD = "easyofd_052002100113_00008006.ofd"
ERMA0 = "erma0_24322000000489101796.ofd"
SYNTHETIC_COUNT = 100


def records(path: Path, sources=SOURCES, today: dt.date | None = None) -> list[Record]:
    """What the pipeline does with an OFD: drafts -> invoices -> records."""
    drafts = group_pages(read_ofd_drafts(path, sources))
    return [build_record(d, path.name, "0" * 64, today) for d in drafts]


def wrong_fields(record: Record, truth: dict, index: int = 0) -> list[str]:
    scores = score_invoice(
        record.to_json_dict()["invoice"], truth["invoices"][index]["invoice"], set()
    )
    return [name for name, ok in scores.items() if not ok]


# --- real samples ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [EASYOFD, ERMA0])
def test_real_sample_every_field_is_read(name):
    truth = load_truth(REAL / name.replace(".ofd", ".truth.json"))
    (record,) = records(REAL / name)
    assert wrong_fields(record, truth) == []
    assert record.status == "ready", record.reasons
    assert record.source.kind == "ofd" and record.source.page == 1


@pytest.mark.parametrize("name", [EASYOFD, ERMA0])
def test_real_sample_page_text_alone_reads_every_field(name):
    """The third placement: page text objects (with template labels) through the PDF layout rules."""
    truth = load_truth(REAL / name.replace(".ofd", ".truth.json"))
    (record,) = records(REAL / name, {"text"})
    assert wrong_fields(record, truth) == []
    assert record.status == "ready", record.reasons


def test_embedded_invoice_xml_alone():
    """original_invoice.xml has every field but the words; its GraphCode is the QR witness."""
    truth = load_truth(REAL / EASYOFD.replace(".ofd", ".truth.json"))
    (draft,) = read_ofd_drafts(REAL / EASYOFD, {"xml"})
    assert [p.raw for p in draft.qr] == truth["invoices"][0]["qr"]
    (record,) = records(REAL / EASYOFD, {"xml"})
    assert wrong_fields(record, truth) == ["total_in_words"]


@pytest.mark.parametrize(
    ("name", "missing"), [(EASYOFD, ["kind", "total_in_words"]), (ERMA0, ["total_in_words"])]
)
def test_custom_tags_alone(name, missing):
    """CustomTag references (grouped GoodsInfo in 2022, flat keys in 2024) name every field but
    the words; easyofd's tag file has malformed prefixes (<:eInvoice>) and is read all the same."""
    truth = load_truth(REAL / name.replace(".ofd", ".truth.json"))
    (record,) = records(REAL / name, {"tags"})
    assert wrong_fields(record, truth) == missing


def test_qr_image_is_decoded_and_witnesses_the_fields():
    (draft,) = read_ofd_drafts(REAL / ERMA0)
    assert [p.raw for p in draft.qr] == ["01,31,,24322000000489101796,20000.00,20241205,,BBBB"]
    (record,) = records(REAL / ERMA0)
    witnessed = {c.field for c in record.checks if c.rule == "qr_agreement" and c.ok}
    assert witnessed == {"number", "date", "total"}


def test_drafts_follow_the_interface():
    (draft,) = read_ofd_drafts(REAL / EASYOFD)
    assert draft.source_kind == "ofd" and draft.pages == [1]
    assert draft.invoice["number"] == "00008006" and draft.confidence["number"] == 1.0
    assert draft.invoice["check_code"] == "18001801513030862041"


def test_off_page_copies_are_ignored():
    """erma0 prints the drawer a second time at y=286 mm on a 140 mm page."""
    (draft,) = read_ofd_drafts(REAL / ERMA0, {"text"})
    assert draft.invoice["drawer"] == "查玮"


# --- synthetic files -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("ofd")
    generate(out, SYNTHETIC_COUNT, seed=11, placements=("original", "tags", "text"))
    return out


@pytest.mark.parametrize("placement", ["original", "tags", "text"])
def test_synthetic_every_field_exact(synthetic, placement):
    files = sorted(synthetic.glob(f"{placement}_*.ofd"))
    assert len(files) == SYNTHETIC_COUNT
    failures = {}
    for path in files:
        truth = load_truth(path.with_name(path.stem + ".truth.json"))
        (record,) = records(path, today=TODAY)
        wrong = wrong_fields(record, truth)
        if wrong or record.status != "ready":
            failures[path.name] = wrong or record.reasons
    assert failures == {}


@pytest.mark.parametrize("placement", ["original", "tags"])
def test_synthetic_page_text_alone(synthetic, placement):
    """The page text of files with structured data reads just as well on its own."""
    for path in sorted(synthetic.glob(f"{placement}_*.ofd"))[:30]:
        truth = load_truth(path.with_name(path.stem + ".truth.json"))
        (record,) = records(path, {"text"}, TODAY)
        assert wrong_fields(record, truth) == [], path.name


def test_synthetic_tags_alone(synthetic):
    for path in sorted(synthetic.glob("tags_*.ofd"))[:30]:
        truth = load_truth(path.with_name(path.stem + ".truth.json"))
        (record,) = records(path, {"tags"}, TODAY)
        assert wrong_fields(record, truth) == ["total_in_words"], path.name


def test_generator_cli_is_deterministic(tmp_path):
    assert main(["--out", str(tmp_path / "a"), "--count", "2", "--seed", "5"]) == 0
    assert main(["--out", str(tmp_path / "b"), "--count", "2", "--seed", "5"]) == 0
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert len(names) == 16 and "tags_5_0001.ofd" in names and "xml_5_0000.truth.json" in names
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    truth = json.loads((tmp_path / "a" / "text_5_0000.truth.json").read_text(encoding="utf-8"))
    assert (
        truth["file"] == "text_5_0000.ofd" and truth["kind"] == "ofd" and truth["invoices"][0]["qr"]
    )


def test_two_documents_give_two_invoices(tmp_path, synthetic):
    """An OFD with two DocBody entries: one draft per document, pages numbered across them."""
    first, second = sorted(synthetic.glob("tags_*.ofd"))[:2]
    with zipfile.ZipFile(first) as a, zipfile.ZipFile(second) as b:
        parts = {n: a.read(n) for n in a.namelist()}
        parts |= {
            n.replace("Doc_0/", "Doc_1/"): b.read(n) for n in b.namelist() if n.startswith("Doc_0/")
        }
        ofd, other = a.read("OFD.xml").decode(), b.read("OFD.xml").decode()
    body, second_body = (
        text[text.index("<ofd:DocBody>") : text.index("</ofd:DocBody>") + len("</ofd:DocBody>")]
        for text in (ofd, other)
    )
    parts["OFD.xml"] = ofd.replace(body, body + second_body.replace("Doc_0/", "Doc_1/")).encode()
    path = tmp_path / "two.ofd"
    path.write_bytes(zip_bytes(parts))
    got = records(path, today=TODAY)
    assert [r.source.page for r in got] == [1, 2]
    for record, source in zip(got, (first, second), strict=True):
        assert wrong_fields(record, load_truth(source.with_name(source.stem + ".truth.json"))) == []


# --- hostile and broken packages -------------------------------------------------------------------


def _invoice() -> tuple[dict, str]:
    truth = load_truth(REAL / ERMA0.replace(".ofd", ".truth.json"))
    return truth["invoices"][0]["invoice"], truth["invoices"][0]["qr"][0]


def _package(
    tmp_path: Path, extra: dict[str, bytes] | None = None, replace: dict[str, bytes] | None = None
) -> Path:
    invoice, qr = _invoice()
    parts = ofd_parts(invoice, qr, "tags") | (replace or {})
    path = tmp_path / "in" / "hostile.ofd"
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in (parts | (extra or {})).items():
            archive.writestr(zipfile.ZipInfo(name), data)
    path.write_bytes(buffer.getvalue())
    return path


@pytest.fixture
def sandbox(tmp_path, monkeypatch):
    """Run in tmp_path/out and check afterwards that no file appeared anywhere under tmp_path."""
    (tmp_path / "out").mkdir()
    monkeypatch.chdir(tmp_path / "out")
    before = set(tmp_path.parent.rglob("*"))
    yield tmp_path
    inputs = tmp_path / "in"
    created = {
        p
        for p in set(tmp_path.parent.rglob("*")) - before
        if p != inputs and inputs not in p.parents
    }
    assert created == set()
    assert not (tmp_path.parent / "evil.xml").exists() and not (tmp_path / "evil.xml").exists()


def test_a_valid_hostile_test_package_reads(tmp_path):
    """The package the attacks below start from is itself a good invoice."""
    truth = load_truth(REAL / ERMA0.replace(".ofd", ".truth.json"))
    (record,) = records(_package(tmp_path))
    assert wrong_fields(record, truth) == []


@pytest.mark.parametrize(
    "name", ["../../evil.xml", "Doc_0/../../../evil.xml", "/tmp/evil.xml", "C:\\evil.xml"]
)
def test_zip_slip_member_name_is_refused(sandbox, name):
    path = _package(sandbox, extra={name: b"<evil/>"})
    with pytest.raises(InputError, match="zip slip"):
        read_ofd_drafts(path)


def test_zip_bomb_is_refused(sandbox):
    """A member of 200 MB of zeros (about 200 kB compressed)."""
    path = _package(sandbox)
    with (
        zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as archive,
        archive.open("Doc_0/Res/bomb.xml", "w") as member,
    ):
        zeros = bytes(1 << 20)
        for _ in range(200):
            member.write(zeros)
    assert path.stat().st_size < 2_000_000
    with pytest.raises(InputError, match="zip bomb"):
        read_ofd_drafts(path)


def test_many_members_that_add_up_are_refused(sandbox):
    extra = {f"Doc_0/Res/part_{i}.bin": bytes(15 << 20) for i in range(4)}
    with pytest.raises(InputError, match="zip bomb"):
        read_ofd_drafts(_package(sandbox, extra=extra))


def test_a_member_inflating_past_its_bound_while_read_is_stopped(sandbox, monkeypatch):
    """The counting reader does not trust declared sizes: it stops at the bound by itself."""
    path = _package(sandbox)
    archive = safe_zip.SafeZip(path)
    monkeypatch.setattr(safe_zip, "MAX_MEMBER_BYTES", 1000)
    with pytest.raises(InputError, match="inflates past"):
        archive.read("Doc_0/Tpls/Tpl_0/Content.xml")
    archive.close()


def test_a_member_lying_about_its_size_is_refused(sandbox):
    """Central directory and local header of the page's image declare 100 bytes; its data
    inflates to 5 MB."""
    path = _package(sandbox, replace={"Doc_0/Res/image_5.png": bytes(5 << 20)})
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("Doc_0/Res/image_5.png")
    real = (5 << 20).to_bytes(4, "little")
    for offset in range(len(data) - 4):
        if data[offset : offset + 4] == real:
            data[offset : offset + 4] = (100).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo(info.filename).file_size == 100
    with pytest.raises(InputError, match="cannot be read|inflates"):
        read_ofd_drafts(path)


def test_too_many_members_are_refused(sandbox):
    extra = {f"Doc_0/Res/m{i}.txt": b"" for i in range(safe_zip.MAX_MEMBERS + 1)}
    with pytest.raises(InputError, match="members"):
        read_ofd_drafts(_package(sandbox, extra=extra))


XXE = """<?xml version="1.0"?>
<!DOCTYPE ofd:OFD [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"><ofd:DocBody><ofd:DocInfo><ofd:CustomDatas>
<ofd:CustomData Name="发票号码">&xxe;</ofd:CustomData></ofd:CustomDatas></ofd:DocInfo>
<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>""".encode()

LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<ofd:root xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Note>&lol9;</ofd:Note></ofd:root>"""


@pytest.mark.parametrize(
    ("member", "payload"),
    [
        ("OFD.xml", XXE),
        ("Doc_0/Tags/CustomTag.xml", XXE),
        ("OFD.xml", LAUGHS),
        ("Doc_0/Tags/CustomTag.xml", LAUGHS),
    ],
)
def test_xml_entities_are_refused_in_every_part(sandbox, member, payload):
    """XXE and billion laughs, in the main part or an optional one: the file is refused."""
    path = _package(sandbox, replace={member: payload})
    with pytest.raises(InputError, match="unsafe XML refused") as error:
        read_ofd_drafts(path)
    assert "root:" not in str(error.value) and member in str(error.value)


def test_encrypted_member_is_refused(tmp_path):
    """The encryption flag set on every member (central directory and local headers)."""
    path = _package(tmp_path)
    data = bytearray(path.read_bytes())
    for signature, flag_at in ((b"PK\x01\x02", 8), (b"PK\x03\x04", 6)):
        start = data.find(signature)
        while start >= 0:
            data[start + flag_at] |= 0x1
            start = data.find(signature, start + 4)
    path.write_bytes(bytes(data))
    with pytest.raises(InputError, match="encrypted"):
        read_ofd_drafts(path)


def test_truncated_and_foreign_packages_are_refused(tmp_path):
    good = (REAL / ERMA0).read_bytes()
    truncated = tmp_path / "truncated.ofd"
    truncated.write_bytes(good[: len(good) // 2])
    with pytest.raises(InputError, match="not a readable ZIP"):
        read_ofd_drafts(truncated)
    foreign = tmp_path / "foreign.ofd"
    foreign.write_bytes(zip_bytes({"word/document.xml": b"<w/>"}))
    with pytest.raises(InputError, match="OFD.xml"):
        read_ofd_drafts(foreign)
    empty = tmp_path / "empty.ofd"
    empty.write_bytes(zip_bytes({"OFD.xml": b'<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"/>'}))
    with pytest.raises(InputError, match="no pages"):
        read_ofd_drafts(empty)


def test_broken_optional_part_is_skipped_with_a_note(tmp_path):
    """A malformed CustomTag (not unsafe, just broken) leaves the page text to read the invoice."""
    truth = load_truth(REAL / ERMA0.replace(".ofd", ".truth.json"))
    path = _package(tmp_path, replace={"Doc_0/Tags/CustomTag.xml": b"<root><unclosed>"})
    (draft,) = read_ofd_drafts(path)
    assert any("not well-formed" in note for note in draft.notes)
    (record,) = records(path)
    assert wrong_fields(record, truth) == []


def test_huge_repeat_counts_do_not_allocate():
    assert _deltas("g 999999999 1.5 2", 4) == [1.5, 1.5, 1.5, 1.5]
    assert _deltas("g 2 1.5 2 x 3", 10) == [1.5, 1.5, 2.0]
