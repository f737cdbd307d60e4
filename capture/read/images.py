"""Image files (JPEG, PNG, TIFF with several pages, BMP, WebP) as BGR pages for OCR."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from capture.errors import InputError

MAX_PAGES = 200
#: Larger images are refused (pixels): a decompression bomb, not a scan.
MAX_PIXELS = 80_000_000


def read_image_pages(path: Path) -> Iterator[np.ndarray]:
    """Yield every frame of an image file as a BGR array, upright per its EXIF orientation."""
    try:
        image = Image.open(path)
    except (UnidentifiedImageError, OSError) as error:
        raise InputError(f"the image cannot be read ({error}); it may be truncated or damaged") from error
    with image:
        frames = getattr(image, "n_frames", 1)
        if frames > MAX_PAGES:
            raise InputError(f"the image has {frames} pages; at most {MAX_PAGES} are read")
        for index in range(frames):
            try:
                image.seek(index)
                if image.width * image.height > MAX_PIXELS:
                    raise InputError(f"the image is {image.width}x{image.height} pixels; at most {MAX_PIXELS} are read")
                frame = ImageOps.exif_transpose(image) if index == 0 else image.copy()
                yield to_bgr(frame)
            except (OSError, ValueError) as error:
                raise InputError(f"page {index + 1} of the image cannot be decoded ({error})") from error


def to_bgr(image: Image.Image) -> np.ndarray:
    """A PIL image of any mode as an 8-bit BGR array."""
    if image.mode in ("I;16", "I;16B", "I"):
        image = image.point(lambda v: v / 256).convert("L")
    rgb = np.asarray(image.convert("RGB"))
    return np.ascontiguousarray(rgb[:, :, ::-1])
