"""The desk's OFD page: drawn from a real 数电票 OFD with its field boxes, within bounded pixels
however large a (hostile) file says its page is; a page that is not there is a clear error."""

from __future__ import annotations

import zipfile

import pytest

from capture.errors import InputError
from capture.review.ofd_page import MAX_PIXELS, MAX_WIDTH, page_scale, render_ofd_page
from capture.review.pages import _ofd
from tests.conftest import REAL

ERMA0 = REAL / "erma0_24322000000489101796.ofd"


def test_a_real_ofd_page_is_drawn_with_the_boxes_of_its_fields():
    image, page = render_ofd_page(ERMA0, 1)
    assert image.width == MAX_WIDTH and abs(image.height / image.width - page.height / page.width) < 0.01
    assert image.convert("L").getextrema()[0] < 60  # ink on the page
    view = _ofd(ERMA0, 1)
    assert view.png.startswith(b"\x89PNG") and {"number", "date", "seller.tax_id", "total"} <= set(view.boxes)
    assert view.qr and view.qr[0].number == "24322000000489101796"
    left, top, width, height = view.boxes["number"][0]
    assert 50 < left < 100 and 0 < top < 20 and 0 < width < 40 and 0 < height < 10


def test_a_huge_page_is_drawn_within_bounded_pixels(tmp_path):
    huge = tmp_path / "huge.ofd"
    with zipfile.ZipFile(ERMA0) as source, zipfile.ZipFile(huge, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.endswith("Content.xml"):
                data = data.replace(b"PhysicalBox>0 0 210 140", b"PhysicalBox>0 0 90000 90000")
            target.writestr(item, data)
    image, _ = render_ofd_page(huge, 1)
    assert image.width * image.height <= MAX_PIXELS * 1.001
    with pytest.raises(InputError, match="no page 2"):
        render_ofd_page(ERMA0, 2)


def test_the_scale_keeps_any_page_within_bounds():
    for width, height in ((210, 297), (240, 160), (1e5, 1e5), (1, 1e5), (1e5, 1)):
        scale = page_scale(width, height)
        assert width * scale <= MAX_WIDTH + 1e-6 and (width * scale) * (height * scale) <= MAX_PIXELS * (1 + 1e-9)
