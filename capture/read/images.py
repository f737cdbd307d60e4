"""Image files (JPEG, PNG, TIFF with several pages, BMP, WebP) as BGR pages for OCR, within
bounds: the header is checked before any pixel is decoded (a decompression bomb promises
billions of pixels), and every frame again as it is decoded (TIFF frames have sizes of their own).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from capture.errors import InputError

#: Images with more pixels are refused from their header, before decoding (a decompression bomb).
MAX_IMAGE_PIXELS = 80_000_000
#: Pages (frames) read from one image file: more is a scanner batch to split, not an invoice.
MAX_IMAGE_FRAMES = 100

Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS  # Pillow itself refuses anything over twice this


def check_image_header(path: Path) -> None:
    """Refuse an image from its header alone: unreadable, too many pixels, too many pages."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                width, height = image.size
                frames = getattr(image, "n_frames", 1)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise InputError(_too_many_pixels("its header")) from error
    except (UnidentifiedImageError, SyntaxError, ValueError, EOFError, OSError) as error:
        raise InputError(f"the image cannot be read ({error}); it may be truncated or damaged") from error
    if width * height > MAX_IMAGE_PIXELS:
        raise InputError(_too_many_pixels(f"{width}x{height} pixels"))
    if frames > MAX_IMAGE_FRAMES:
        raise InputError(f"the image has {frames} pages; at most {MAX_IMAGE_FRAMES} are read (split the file)")


def _too_many_pixels(what: str) -> str:
    return (
        f"the image is too large ({what}: more than {MAX_IMAGE_PIXELS // 1_000_000} million pixels); "
        "refused before decoding (a decompression bomb, not a scan)"
    )


def read_image_pages(path: Path, only: int | None = None) -> Iterator[np.ndarray]:
    """Yield every frame of an image file (or only page `only`, 1-based) as a BGR array, upright
    per its EXIF orientation; the header is checked first."""
    check_image_header(path)
    try:
        image = Image.open(path)
    except (UnidentifiedImageError, OSError) as error:
        raise InputError(f"the image cannot be read ({error}); it may be truncated or damaged") from error
    with image:
        frames = getattr(image, "n_frames", 1)
        if only is not None and not 1 <= only <= frames:
            raise InputError(f"the image has {frames} pages; there is no page {only}")
        for index in range(frames) if only is None else [only - 1]:
            try:
                image.seek(index)
                if image.width * image.height > MAX_IMAGE_PIXELS:
                    raise InputError(f"the image is {image.width}x{image.height} pixels; at most {MAX_IMAGE_PIXELS} are read")
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
