"""The generator's viewer screenshots: a screen-sized window, the page whole and legible, seeded."""

from pathlib import Path
from random import Random

import numpy as np

from capture.read.qr import find_qr
from fixtures.scans import RENDERINGS, render_pages
from fixtures.screenshots import SOURCE_DPI, screenshot

PDF = Path(__file__).parent.parent / "fixtures" / "grid" / "legacy_wrapped_latin.pdf"


def test_a_screenshot_shows_the_whole_page_in_a_screen_sized_window_and_its_qr_reads():
    (page,) = render_pages(PDF, SOURCE_DPI)
    for seed in range(4):
        window = screenshot(page, Random(seed))
        assert window.shape[1] >= 1440 and window.shape[0] >= 900
        assert window.shape[1] > 1.5 * window.shape[0]  # a landscape screen, not the page
        assert find_qr(window).payloads, seed  # the page is legible at the viewer's zoom


def test_a_screenshot_is_seeded_and_registered_as_png():
    (page,) = render_pages(PDF, SOURCE_DPI)
    assert np.array_equal(screenshot(page, Random(7)), screenshot(page, Random(7)))
    assert RENDERINGS["screenshot"] == (SOURCE_DPI, screenshot, "png")
