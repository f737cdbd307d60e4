"""Image files (JPEG, PNG, TIFF with several pages, BMP, WebP) as BGR pages for OCR, within
the budget (capture/intake/budget.py): the header is checked before any pixel is decoded (a
decompression bomb promises billions of pixels; a PNG may hide thousands of chunks before its
pixels; an animation is no scan), every frame again as it is decoded (TIFF frames have sizes of
their own), and a frame larger than OCR needs is decoded reduced.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from capture.errors import InputError
from capture.intake import budget

#: Images with more pixels are refused from their header, before decoding (a decompression bomb).
MAX_IMAGE_PIXELS = budget.MAX_IMAGE_PIXELS
#: Pages (frames) read from one image file: more is a scanner batch to split, not an invoice.
MAX_IMAGE_FRAMES = budget.MAX_IMAGE_FRAMES
#: Formats whose several frames are an animation, not pages.
ANIMATIONS = {"WEBP", "PNG", "GIF"}

Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS  # Pillow itself refuses anything over twice this


def check_png_chunks(path: Path) -> None:
    """Refuse a PNG with more chunks before its pixels than MAX_PNG_CHUNKS (read by their headers)."""
    with path.open("rb") as handle:
        if handle.read(8) != b"\x89PNG\r\n\x1a\n":
            return
        for _ in range(budget.MAX_PNG_CHUNKS):
            header = handle.read(8)
            if len(header) < 8 or header[4:8] in (b"IDAT", b"IEND"):
                return
            handle.seek(int.from_bytes(header[:4], "big") + 4, 1)
    raise InputError(f"the PNG has more than {budget.MAX_PNG_CHUNKS} chunks before its image (text or metadata "
                     "stuffing, not a scan); refused before decoding")


def check_image_header(path: Path) -> None:
    """Refuse an image from its header alone: unreadable, too many pixels, too long and narrow,
    too many pages, an animation, too many pixels over all its pages."""
    check_png_chunks(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                width, height = image.size
                frames = getattr(image, "n_frames", 1)
                animated = frames > 1 and image.format in ANIMATIONS
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise InputError(_too_many_pixels("its header")) from error
    except (UnidentifiedImageError, SyntaxError, ValueError, EOFError, OSError) as error:
        raise InputError(f"the image cannot be read ({error}); it may be truncated or damaged") from error
    if width * height > MAX_IMAGE_PIXELS:
        raise InputError(_too_many_pixels(f"{width}x{height} pixels"))
    if problem := budget.image_problem(width, height):
        raise InputError(problem)
    if animated:
        raise InputError(f"the image is an animation of {frames} frames, not a scan: save the page as JPEG or PDF")
    if frames > MAX_IMAGE_FRAMES:
        raise InputError(f"the image has {frames} pages; at most {MAX_IMAGE_FRAMES} are read (split the file)")
    total = frames * min(width * height, budget.MAX_DECODED_PIXELS)
    if total > budget.MAX_OCR_PIXELS_PER_FILE:
        raise InputError(f"the image's {frames} pages hold {total:,} pixels, more than the "
                         f"{budget.MAX_OCR_PIXELS_PER_FILE:,} one file may send to OCR (split the file)")


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
                if problem := budget.image_problem(image.width, image.height):
                    raise InputError(f"page {index + 1}: {problem}")
                factor = _reduction(image.width, image.height)
                if factor > 1 and image.format == "JPEG" and index == 0:
                    image.draft("RGB", (image.width // factor, image.height // factor))  # decoded reduced
                frame = ImageOps.exif_transpose(image) if index == 0 else image.copy()
                yield to_bgr(_reduced(frame))
            except (OSError, ValueError) as error:
                raise InputError(f"page {index + 1} of the image cannot be decoded ({error})") from error


def _reduction(width: int, height: int) -> int:
    """The integer factor that brings width x height within MAX_DECODED_PIXELS."""
    factor = 1
    while (width // factor) * (height // factor) > budget.MAX_DECODED_PIXELS:
        factor += 1
    return factor


def _reduced(frame: Image.Image) -> Image.Image:
    """A frame within MAX_DECODED_PIXELS (box-reduced by an integer factor), else itself."""
    factor = _reduction(frame.width, frame.height)
    if factor == 1:
        return frame
    if frame.mode not in ("L", "RGB", "RGBA", "LA"):
        frame = frame.convert("RGB" if frame.mode not in ("1", "I;16", "I;16B", "I") else "L")
    return frame.reduce(factor)


def to_bgr(image: Image.Image) -> np.ndarray:
    """A PIL image of any mode as an 8-bit BGR array."""
    if image.mode in ("I;16", "I;16B", "I"):
        image = image.point(lambda v: v / 256).convert("L")
    rgb = np.asarray(image if image.mode == "RGB" else image.convert("RGB"))
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)  # a new array: a third of the time of rgb[:, :, ::-1] copied
