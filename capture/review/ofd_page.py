"""An OFD page drawn for the desk: its path objects (the form's rules, the seal), its images and
its text objects (template and page), with Pillow onto a white page of bounded pixels (and
bounded work: so many path steps, images and glyphs at most).

The page is read through the same package reader as the pipeline (capture/read/ofd/): members
in memory within bounds, XML without DTDs. Text is drawn glyph by glyph where the OFD places it,
in a CJK font found on the machine; an image Pillow cannot decode (JBIG2) is drawn as a grey box.
"""

from __future__ import annotations

import io
import math
from functools import cache
from pathlib import Path
from xml.etree.ElementTree import Element

from PIL import Image, ImageDraw, ImageFont

from capture.errors import InputError
from capture.intake.safe_zip import SafeZip
from capture.read.ofd.content import ASCENT, OfdPage, floats
from capture.read.ofd.documents import MAX_IMAGE_PIXELS, OfdDocument, documents
from capture.read.ofd.package import Package

#: The drawn page: this many pixels across at most, and this many in all.
MAX_WIDTH = 1400
MAX_PIXELS = 3_000_000
MAX_GLYPHS = 20_000
MAX_PATH_STEPS = 20_000
MAX_IMAGES = 32
MAX_FONT_PX = 400
INK = (20, 20, 20)
CJK_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simsun.ttc",
)


def render_ofd_page(path: Path, number: int) -> tuple[Image.Image, OfdPage]:
    """Page `number` (1-based, across the documents) of an OFD file, drawn; with the page read."""
    with SafeZip(path, "the OFD file") as archive:
        package = Package(archive)
        for document in documents(package):
            index = number - document.first_number
            if 0 <= index < len(document.page_refs):
                page = document.pages()[index]
                return _draw(document, page, document.page_refs[index][1]), page
    raise InputError(f"the OFD has no page {number}")


def page_scale(width_mm: float, height_mm: float) -> float:
    """Pixels per mm: MAX_WIDTH across, fewer where the page would exceed MAX_PIXELS."""
    width_mm, height_mm = max(width_mm, 1.0), max(height_mm, 1.0)
    return min(MAX_WIDTH / width_mm, math.sqrt(MAX_PIXELS / (width_mm * height_mm)))


def _draw(document: OfdDocument, page: OfdPage, content_path: str | None) -> Image.Image:
    scale = page_scale(page.width, page.height)
    image = Image.new("RGB", (max(1, round(page.width * scale)), max(1, round(page.height * scale))), "white")
    pen = ImageDraw.Draw(image)
    contents = [document.package.xml(loc) for loc in document.templates.values()]
    contents.append(document.package.xml(content_path))
    steps = 0
    for root in contents:
        for element in root.iter("PathObject") if root is not None else ():
            steps += _path(pen, element, scale, MAX_PATH_STEPS - steps)
    for element in list(document.package.xml(content_path).iter("ImageObject"))[:MAX_IMAGES]:
        _image(image, document, element, scale)
    glyphs = [g for obj in page.texts if page.holds(obj) for g in obj.glyphs][:MAX_GLYPHS]
    for glyph in glyphs:
        size = min(MAX_FONT_PX, max(4, round(glyph.size * scale)))
        pen.text((glyph.x * scale, (glyph.y - ASCENT * glyph.size) * scale), glyph.char, fill=INK, font=_font(size))
    return image


def _path(pen: ImageDraw.ImageDraw, element: Element, scale: float, budget: int) -> int:
    """Stroke a path object's moves and lines (curves as straight segments to their end
    points); returns the steps drawn."""
    box = floats(element.get("Boundary"), 4)
    ctm = floats(element.get("CTM"), 6) if element.get("CTM") else (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    data = element.find("AbbreviatedData")
    if box is None or ctm is None or data is None or element.get("Stroke") == "false" or budget <= 0:
        return 0
    colour = _colour(element.find("StrokeColor"))
    width = max(1, round((floats(element.get("LineWidth"), 1) or (0.25,))[0] * scale))
    a, b, c, d, e, f = ctm

    def point(x: float, y: float) -> tuple[float, float]:
        return (box[0] + a * x + c * y + e) * scale, (box[1] + b * x + d * y + f) * scale

    words = (data.text or "").split()
    arity = {"M": 2, "L": 2, "Q": 4, "B": 6, "A": 7, "S": 2}
    at = start = None
    index = steps = 0
    while index < len(words) and steps < budget:
        command = words[index]
        if command == "C":
            if at and start:
                pen.line([at, start], fill=colour, width=width)
            at, index = start, index + 1
            continue
        count = arity.get(command)
        numbers = floats(" ".join(words[index + 1:index + 1 + (count or 0)]), count or 0) if count else None
        if numbers is None:
            break
        target = point(*numbers[-2:])
        if command in ("M", "S"):
            at = start = target
        else:
            if at is not None:
                pen.line([at, target], fill=colour, width=width)
            at = target
        index, steps = index + 1 + (count or 0), steps + 1
    return steps


def _image(image: Image.Image, document: OfdDocument, element: Element, scale: float) -> None:
    """Paste an image object into its boundary; a grey box when Pillow cannot decode it."""
    box = floats(element.get("Boundary"), 4)
    if box is None or box[2] <= 0 or box[3] <= 0:
        return
    x, y, w, h = (round(v * scale) for v in box)
    if w < 1 or h < 1 or w * h > MAX_PIXELS:
        return
    data = document.package.data(document.media.get(element.get("ResourceID") or ""))
    try:
        with Image.open(io.BytesIO(data or b"")) as picture:
            if picture.width * picture.height > MAX_IMAGE_PIXELS:
                raise ValueError("too large")
            pasted = picture.convert("RGBA").resize((w, h))
        image.paste(pasted, (x, y), pasted)
    except Exception:  # noqa: BLE001 - an image the desk cannot show is marked, the page still drawn
        ImageDraw.Draw(image).rectangle((x, y, x + w, y + h), outline=(160, 160, 160), width=2)


def _colour(element: Element | None) -> tuple[int, int, int]:
    values = floats(element.get("Value") if element is not None else None, 3)
    if values is None or not all(0 <= v <= 255 for v in values):
        return INK
    return tuple(round(v) for v in values)  # type: ignore[return-value]


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """A CJK font of this pixel size, or Pillow's own (Latin only) where the machine has none."""
    for candidate in CJK_FONTS:
        if Path(candidate).exists():
            return ImageFont.truetype(candidate, size)
    return ImageFont.load_default(size=size)
