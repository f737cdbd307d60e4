"""`capture show`: the picture of what was read where, with the form's grid."""

import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from capture.review.overlay import draw, read_page
from tests.conftest import REAL

GRID = Path(__file__).parent.parent / "fixtures" / "grid"
#: The legacy goods table: 名称 规格型号 单位 数量 单价 金额 税率 税额.
LEGACY_TABLE_CELLS = 8


def show(*args: object) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "capture.cli", "show", *map(str, args)], capture_output=True, text=True)


def test_a_text_pdf_is_drawn_with_its_grid_and_fields(tmp_path):
    out = tmp_path / "page.png"
    result = show(REAL / "iocr_041001900111_32321709.pdf", "--out", out)
    assert result.returncode == 0, result.stderr
    assert f"{LEGACY_TABLE_CELLS} goods-table cells" in result.stdout
    with Image.open(out) as picture:
        assert picture.format == "PNG" and picture.width > 1000


@pytest.mark.parametrize("name", ["legacy_wrapped_latin_scan150.jpg", "legacy_wrapped_latin_photo.jpg"])
def test_a_scan_and_a_photo_show_the_grid_their_rules_draw(name):
    reading = read_page(GRID / name)
    assert reading.table_cells() == LEGACY_TABLE_CELLS
    assert reading.draft.invoice["number"] == "86569079"
    picture = draw(reading)
    assert picture.size == reading.image.size
    # the 名称 words are framed in the field colour, the grid in blue: both are on the picture
    colours = {colour for _, colour in picture.getcolors(maxcolors=1 << 20)}
    assert (20, 150, 60) in colours and (30, 90, 220) in colours


def test_a_file_without_a_page_picture_is_a_clear_error(tmp_path):
    result = show(REAL / "erma0_24322000000489101796.ofd", "--out", tmp_path / "x.png")
    assert result.returncode == 1
    assert "only PDFs and images have a page to draw" in result.stderr
    assert not (tmp_path / "x.png").exists()
    missing = show(tmp_path / "nothing.pdf", "--out", tmp_path / "x.png")
    assert missing.returncode == 2 and "no such file" in missing.stderr


def test_the_review_desk_shows_a_scan_as_capture_show_draws_it_with_each_fields_boxes():
    from capture.pipeline import process_file
    from capture.review.files import SourceFiles
    from capture.review.pages import PageViews

    name = "legacy_wrapped_latin_scan150.jpg"
    (record,) = process_file(GRID / name, name).records
    view = PageViews(SourceFiles([GRID])).view(record)
    assert view.found and view.png.startswith(b"\x89PNG")
    (left, top, width, height), *_ = view.boxes["number"]  # percent of the straightened page
    assert 60 < left < 95 and 0 < top < 15 and 0 < width < 20 and 0 < height < 5
    assert view.qr and view.qr[0].number == "86569079"
