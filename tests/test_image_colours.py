"""Every image mode a scanner or phone writes comes out as 8-bit BGR, channels in OpenCV's order."""

from __future__ import annotations

import numpy as np
from PIL import Image

from capture.read.images import to_bgr


def test_colour_and_grey_images_come_out_as_bgr():
    rgb = np.zeros((4, 6, 3), np.uint8)
    rgb[..., 0], rgb[..., 1], rgb[..., 2] = 200, 100, 30  # a warm orange
    for image in (Image.fromarray(rgb), Image.fromarray(rgb).convert("RGBA"), Image.fromarray(rgb).convert("P")):
        bgr = to_bgr(image)
        assert bgr.shape == (4, 6, 3) and bgr.dtype == np.uint8 and bgr.flags["C_CONTIGUOUS"] and bgr.flags["WRITEABLE"]
        red, green, blue = image.convert("RGB").getpixel((0, 0))  # a palette keeps the colour it can
        assert tuple(bgr[0, 0]) == (blue, green, red)
    assert tuple(to_bgr(Image.fromarray(rgb))[0, 0]) == (30, 100, 200)
    grey = to_bgr(Image.fromarray(np.full((3, 5), 77, np.uint8)))
    assert grey.shape == (3, 5, 3) and (grey == 77).all()
    deep = to_bgr(Image.fromarray(np.full((3, 5), 256 * 90, np.uint16)))  # a 16-bit grey scan
    assert (deep == 90).all()
