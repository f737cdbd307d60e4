"""Scans and photos through the whole pipeline: real OCR on committed degraded renderings of
synthetic invoices (fixtures/scanned/, made by fixtures/scans.py) and on the real photo."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from capture.contract.record import Check
from capture.evaluate import KEY_FIELDS, score_invoice
from capture.pipeline import process_file
from capture.read.images import read_image_pages
from capture.read.ocr import TextBox
from capture.read.qr import find_qr
from capture.read.scan.geometry import find_paper, upright
from capture.verify.confidence import confidence_checks
from tests.conftest import REAL

SCANNED = Path(__file__).resolve().parents[1] / "fixtures" / "scanned"
PHOTO = REAL / "gsc_044031800104_41108527_photo.jpg"
SAMPLES = sorted(p.name for p in SCANNED.glob("*.truth.json"))


def _key_fields_wrong(record, expected: dict) -> list[str]:
    scores = score_invoice(record.to_json_dict()["invoice"], expected, set())
    return [name for name in KEY_FIELDS if not scores.get(name, True)]


@pytest.mark.parametrize("truth_name", SAMPLES)
def test_degraded_rendering_reads_key_fields(truth_name):
    truth = json.loads((SCANNED / truth_name).read_text(encoding="utf-8"))
    result = process_file(SCANNED / truth["file"], truth["file"])
    assert result.error is None
    by_page = {r.source.page: r for r in result.records}
    for entry in truth["invoices"]:
        record = by_page[entry.get("page", 1)]
        assert record.source.kind == truth["kind"]
        assert _key_fields_wrong(record, entry["invoice"]) == [], record.reasons
        if record.status == "ready":  # the promise: every field of a ready record is right
            scores = score_invoice(record.to_json_dict()["invoice"], entry["invoice"], set())
            assert [name for name, ok in scores.items() if not ok] == []


def test_a_scanned_item_name_that_wraps_over_three_lines_reads_right():
    record = process_file(SCANNED / "syn_21_0000_scan150.jpg", "scan.jpg").records[0]
    (item,) = record.invoice.items
    assert item.name.replace(" ", "") == "*电子计算机*联想(Lenovo)ThinkPadX1Carbon14英寸笔记本电脑"
    assert (item.spec, item.unit, item.quantity) == ("21HM", "台", "10")
    assert record.status == "ready"


def test_real_photo_qr_decodes_only_after_crop_and_threshold():
    found = find_qr(cv2.imread(str(PHOTO)))
    assert [p.number for p in found.payloads] == ["41108527"]
    assert found.angle() == pytest.approx(0, abs=2)


def test_real_photo_key_fields_and_qr_witness():
    truth = json.loads(PHOTO.with_suffix(".truth.json").read_text(encoding="utf-8"))
    record = process_file(PHOTO, PHOTO.name).records[0]
    assert record.source.kind == "image"
    assert _key_fields_wrong(record, truth["invoices"][0]["invoice"]) == []
    skipped = {u["field"].removeprefix("invoices[0].invoice.") for u in truth["uncertain"]}
    scores = score_invoice(record.to_json_dict()["invoice"], truth["invoices"][0]["invoice"], skipped)
    assert [name for name, ok in scores.items() if not ok] == []  # 地址电话 and 开户行 sit a line below their labels
    assert record.status == "ready"
    witnessed = {c.field for c in record.checks if c.rule == "qr_agreement" and c.ok}
    assert witnessed >= {"number", "date", "amount", "check_code"}
    assert all(0 < v <= 1 for v in record.confidence.values())


@pytest.mark.parametrize("fmt", ["PNG", "BMP", "WEBP"])
def test_image_formats_load(tmp_path, fmt):
    path = tmp_path / f"page.{fmt.lower()}"
    Image.open(PHOTO).save(path, fmt, **({"lossless": True} if fmt == "WEBP" else {}))
    (page,) = read_image_pages(path)
    assert page.shape == (1080, 1440, 3) and page.dtype == np.uint8


def test_multipage_tiff_gives_every_page(tmp_path):
    image = Image.open(PHOTO)
    buffer = io.BytesIO()
    image.save(buffer, "TIFF", save_all=True, append_images=[image.rotate(180), image.convert("L")])
    path = tmp_path / "pages.tif"
    path.write_bytes(buffer.getvalue())
    pages = list(read_image_pages(path))
    assert len(pages) == 3 and all(p.shape == (1080, 1440, 3) for p in pages)


def test_upright_undoes_quarter_turns_and_skew():
    page = np.full((400, 600, 3), 255, np.uint8)
    cv2.rectangle(page, (20, 20), (120, 120), (0, 0, 0), -1)
    turned = cv2.rotate(page, cv2.ROTATE_90_CLOCKWISE)  # content turned -90°
    assert upright(turned, -90).shape == page.shape
    assert upright(turned, -90)[70, 70].tolist() == [0, 0, 0]


def test_paper_is_found_on_a_desk():
    desk = np.full((800, 1000, 3), 90, np.uint8)
    paper = np.array([[150, 120], [880, 160], [850, 700], [120, 650]], np.int32)
    cv2.fillPoly(desk, [paper], (245, 245, 245))
    corners = find_paper(desk)
    assert corners is not None
    assert np.abs(corners - paper).max() < 12


def test_a_low_confidence_field_needs_a_proof():
    confidence = {"number": 0.5, "buyer.name": 0.6, "seller.tax_id": 0.7, "total": 0.99}
    proofs = [Check(rule="qr_agreement", field="number", ok=True, message=""),
              Check(rule="uscc_check_digit", field="seller.tax_id", ok=True, message="")]
    found = confidence_checks(confidence, proofs)
    assert [c.field for c in found] == ["buyer.name"]
    assert not found[0].ok and "low confidence" in found[0].message


def test_a_pdf_with_a_garbage_text_layer_is_ocred(tmp_path):
    from reportlab.pdfgen import canvas

    image = SCANNED / "syn_21_0000_scan150.jpg"
    truth = json.loads(image.with_name("syn_21_0000_scan150.truth.json").read_text(encoding="utf-8"))
    width, height = Image.open(image).size
    path = tmp_path / "garbage layer.pdf"
    pdf = canvas.Canvas(str(path), pagesize=(width * 72 / 150, height * 72 / 150))
    pdf.drawImage(str(image), 0, 0, width * 72 / 150, height * 72 / 150)
    pdf.drawString(20, 20, "ÿþ ¤¤¤ 0x1F 0x2E glyph glyph glyph 1234 5678")  # a broken OCR layer
    pdf.save()
    record = process_file(path, path.name).records[0]
    assert record.source.kind == "pdf_scan"
    assert _key_fields_wrong(record, truth["invoices"][0]["invoice"]) == []


def test_a_character_the_detector_missed_sends_the_record_to_review():
    # the name ends in 一 wrapped onto a line of its own: no OCR box holds it, its ink stays unread
    record = process_file(SCANNED / "syn_20261128_0059_scan150.jpg", "scan.jpg").records[0]
    (item,) = record.invoice.items
    assert item.name.replace(" ", "") == "*计算机配套产品*绿联(UGREEN)USB3.0扩展坞四合"
    assert record.status == "review"
    assert any("a mark there that OCR could not read" in reason and "绿联" in reason for reason in record.reasons)


def test_a_scanned_pdf_page_has_its_qr_searched_on_the_render_only():
    from capture.read.pdf import read_pdf_pages
    from capture.read.scan.page import ocr_pdf_pages

    path = SCANNED / "syn_21_0000_scan_pdf.pdf"
    truth = json.loads(path.with_name("syn_21_0000_scan_pdf.truth.json").read_text(encoding="utf-8"))
    (layer,) = read_pdf_pages(path)
    assert layer.source_kind == "pdf_scan" and layer.qr == []  # no text: the QR waits for the render
    (scanned,) = ocr_pdf_pages(path, [layer])
    assert [p.raw for p in scanned.qr] == truth["invoices"][0]["qr"]


def test_a_photo_still_skewed_after_clean_up_is_read_along_its_text_lines():
    # half a degree was left after flattening; on tight rows it put the name beside no numbers
    path = SCANNED / "syn_20261129_0080_photo.jpg"
    truth = json.loads(path.with_name("syn_20261129_0080_photo.truth.json").read_text(encoding="utf-8"))
    (record,) = process_file(path, path.name).records
    (item,) = record.invoice.items
    assert (item.name, item.unit, item.quantity) == ("*蔬菜*黄瓜", "公斤", "169.44")
    assert _key_fields_wrong(record, truth["invoices"][0]["invoice"]) == []
    assert record.status == "ready"


def test_an_item_name_is_read_whole_when_each_line_is_recognised_alone():
    # in recognition batches of six, the recogniser read *JTW as *TW at full confidence (the
    # line was padded to its batch's widest); read alone it has the J, and the record is right
    path = SCANNED / "syn_20261130_0085_photo.jpg"
    truth = json.loads(path.with_name("syn_20261130_0085_photo.truth.json").read_text(encoding="utf-8"))
    (record,) = process_file(path, path.name).records
    assert _key_fields_wrong(record, truth["invoices"][0]["invoice"]) == []
    assert [item.name for item in record.invoice.items] == [item["name"] for item in truth["invoices"][0]["invoice"]["items"]]
    assert any(item.name.startswith("*公共安全设备*JTW") for item in record.invoice.items)
    assert record.status == "ready", record.reasons


def test_a_name_whose_second_read_has_a_character_the_first_lacks_goes_to_review():
    import numpy as np

    from capture.contract.tokens import Page
    from capture.extract.page import extract_page
    from capture.read.ocr import TextBox
    from capture.read.scan.page import _second_read_of_item_names
    from capture.read.words import boxes_to_tokens

    class SecondReader:  # what the recogniser gives for the line on a white margin
        def recognize(self, line):
            return "*公共安全设备*JTW-ZCD", 0.99

    page = np.full((400, 1600, 3), 255, np.uint8)
    name = TextBox(((60, 200), (400, 200), (400, 228), (60, 228)), "*公共安全设备*TW-ZCD", 0.99)
    (checked,) = _second_read_of_item_names(page, [name], SecondReader())
    assert checked.second_read == "*公共安全设备*JTW-ZCD"
    header = [TextBox(((60 + 150 * i, 160), (120 + 150 * i, 160), (120 + 150 * i, 186), (60 + 150 * i, 186)), text, 0.99)
              for i, text in enumerate(["货物或应税劳务、服务名称", "规格型号", "单位", "数量", "单价", "金额", "税率", "税额"])]
    row = [TextBox(((1050, 200), (1130, 200), (1130, 228), (1050, 228)), "100.00", 0.99),
           TextBox(((1200, 200), (1250, 200), (1250, 228), (1200, 228)), "13%", 0.99),
           TextBox(((1350, 200), (1420, 200), (1420, 228), (1350, 228)), "13.00", 0.99)]
    tokens = boxes_to_tokens([*header, checked, *row], 1600 / 610)
    draft = extract_page(Page(1, 610, 150, tokens, "image"))
    assert any("second read" in why and "JTW" in why for _, why in draft.doubts), draft.doubts


def test_a_second_read_that_only_lacks_a_character_is_no_doubt():
    from capture.read.scan.page import _holds_in_order

    assert _holds_in_order("*信息技术服务*技术服务", "信息技术服务*技术服务")  # the second read lost the *
    assert not _holds_in_order("*公共安全设备*TW-ZCD", "*公共安全设备*JTW-ZCD")  # the first lost the J
    assert not _holds_in_order("*酒*贵州茅台酒", "*酒*贵州茅合酒")  # one character for another


def test_a_second_read_that_differs_in_letter_case_alone_stands_where_the_fast_read_agrees():
    import numpy as np

    from capture.read.ocr import TextBox
    from capture.read.scan.page import _second_read_of_item_names

    class SecondReader:  # fresh scans (seed 2026120705): (M&G) read again as (M&g), the crop cut short
        def recognize(self, line):
            return "*办公用品*晨光(M&g)中性笔0.5m", 0.98

    page = np.full((400, 1600, 3), 255, np.uint8)
    polygon = ((60, 200), (400, 200), (400, 228), (60, 228))
    agreed = TextBox(polygon, "*办公用品*晨光(M&G)中性笔0.5mm黑色", 0.99)
    (checked,) = _second_read_of_item_names(page, [agreed], SecondReader())
    assert checked.second_read == ""
    # the fast recogniser read the line otherwise: two reads of three no longer agree
    (checked,) = _second_read_of_item_names(page, [replace(agreed, disputed=True)], SecondReader())
    assert checked.second_read == "*办公用品*晨光(M&g)中性笔0.5m"
    # a case-blind match that is no run of the first read is no case difference (AL0O for AL00)
    garbled = TextBox(polygon, "*移动通信设备*华为(HALN-AL00UAWEI)Mate", 0.99)
    (checked,) = _second_read_of_item_names(page, [garbled], type("R", (), {"recognize": lambda self, line: ("*移动通信设备*华为(HALN-AL0O", 0.9)})())
    assert checked.second_read == "*移动通信设备*华为(HALN-AL0O"


def test_the_lines_of_item_names_are_the_first_lines_and_the_lines_wrapped_under_them():
    from capture.read.scan.page import _item_name_lines

    def box(text: str, x0: float, y0: float, x1: float) -> TextBox:
        return TextBox(((x0, y0), (x1, y0), (x1, y0 + 30), (x0, y0 + 30)), text, 0.99)

    boxes = [
        box("项目名称", 100, 380, 200),
        box("*酒*贵州茅台酒 53%vo", 34, 434, 274),
        box("500ml", 300, 434, 370),  # 规格型号, beside the name
        box("500ml", 38, 468, 109),  # wrapped under the name (its l lost against the rule)
        box("*公共安全设备*JTY-GD", 32, 502, 282),
        box("G3X点型光电感烟火灾", 36, 534, 282),
        box("探测器", 32, 567, 111),
        box("合", 150, 700, 180),
        box("备注", 36, 800, 80),  # far below the last name
    ]
    assert _item_name_lines(boxes, em=28) == [1, 3, 4, 5, 6]


def test_levelling_the_text_keeps_a_disagreeing_second_read():
    # the second read comes before the levelling: turning the boxes must not drop what it found
    from capture.read.scan.geometry import rotate_points
    from capture.read.scan.page import _level_text

    size = (1600, 1100)
    level = [((100.0, y), (700.0, y), (700.0, y + 28), (100.0, y + 28)) for y in range(100, 1000, 60)]
    skewed = [TextBox(tuple(map(tuple, rotate_points(np.array(p), 0.6, size).tolist())), "*a*b", 0.99) for p in level]
    skewed[0] = TextBox(skewed[0].polygon, "*公共安全设备*TW", 0.99, "*公共安全设备JTW")
    boxes, _ = _level_text(skewed, [], size)
    assert boxes[0].second_read == "*公共安全设备JTW"
    assert abs(boxes[0].polygon[0][1] - boxes[0].polygon[1][1]) < 0.5  # and the box was levelled
