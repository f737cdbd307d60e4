"""The one QR decoder: invoice QR payloads from pixels (zxing-cpp), for every reader.

On a scan or photo the QR is found before OCR: where it decodes it witnesses number, date,
amount and check code, and its corners tell the page's rotation. zxing-cpp on the whole image
first; then on the corners where invoices print it, cropped, upscaled and thresholded (a phone
photo's QR often decodes only then), a small page's four times, a large page's not at all;
OpenCV last.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import cv2
import numpy as np

from capture.contract.qr import QrPayload, parse_qr

#: Where invoices print the QR, first the top-left: fractions (x0, y0, x1, y1) of the page.
CORNERS = (
    (0.0, 0.0, 0.4, 0.5),
    (0.6, 0.0, 1.0, 0.5),
    (0.0, 0.5, 0.4, 1.0),
    (0.6, 0.5, 1.0, 1.0),
)
UPSCALE = 2.0
#: A page narrower than this (pixels: a small sheet in a chat-app photo) prints its QR's modules
#: about two pixels wide, too few even doubled: its corners are tried again at FINE_UPSCALE.
SMALL_PAGE = 1200
FINE_UPSCALE = 4.0
#: A page this wide or wider (a 300 dpi scan, an A4 清单) prints its QR's modules six pixels wide
#: or more: its corners are tried at their own size, and OpenCV's detector sees the page shrunk
#: to this width. Enlarged, a page without a QR (a 清单, a paper invoice whose QR the scan lost)
#: cost 1.1 s of searching at 300 dpi, against 0.02 s where zxing finds the QR on the whole page;
#: on 250 scan and photo pages of fresh seeds and the real samples, no page this wide was found
#: by the corners or by OpenCV.
LARGE_PAGE = 2000
#: Fixed grey levels tried after Otsu (the real photo sample decodes at 140 only).
THRESHOLDS = (140, 110, 170)


@dataclass
class QrFound:
    """Payloads and where the first one sits: its corners (TL, TR, BR, BL) in image pixels."""

    payloads: list[QrPayload] = field(default_factory=list)
    corners: np.ndarray | None = None
    #: Found only at FINE_UPSCALE: its corners are good to a module (about two pixels), its
    #: edge's slope to no better than half a degree, so it gives quarter turns alone.
    coarse: bool = False

    def angle(self) -> float | None:
        """The page rotation in degrees (counter-clockwise positive, as cv2), from the QR's top
        edge; a coarse QR's to the nearest quarter turn (the table's rules level the rest)."""
        if self.corners is None:
            return None
        (x0, y0), (x1, y1) = self.corners[0], self.corners[1]
        angle = math.degrees(math.atan2(-(y1 - y0), x1 - x0))
        return 90.0 * round(angle / 90) if self.coarse else angle


def decode_qr_payloads(image: object) -> list[QrPayload]:
    """Every invoice QR payload in an image (a numpy array or a PIL image)."""
    return _zxing(image)[0]


def _zxing(image: object) -> tuple[list[QrPayload], np.ndarray | None]:
    """Invoice QR payloads and the first one's corners (TL, TR, BR, BL) in image pixels."""
    import zxingcpp

    results = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    payloads, corners = [], None
    for result in results:
        payload = parse_qr(result.text)
        if payload is None:
            continue
        payloads.append(payload)
        if corners is None:
            p = result.position
            corners = np.array(
                [[p.top_left.x, p.top_left.y], [p.top_right.x, p.top_right.y],
                 [p.bottom_right.x, p.bottom_right.y], [p.bottom_left.x, p.bottom_left.y]],
                dtype=np.float32,
            )
    return payloads, corners


def _grey(image: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image


def _variants(crop: np.ndarray, upscale: float = UPSCALE) -> list[np.ndarray]:
    """The crop upscaled, then thresholded: Otsu, then fixed levels (red seals, shadows, glare)."""
    grey = _grey(crop)
    big = grey if upscale == 1.0 else cv2.resize(grey, None, fx=upscale, fy=upscale, interpolation=cv2.INTER_CUBIC)
    _, otsu = cv2.threshold(cv2.GaussianBlur(big, (3, 3), 0), 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    fixed = [cv2.threshold(big, level, 255, cv2.THRESH_BINARY)[1] for level in THRESHOLDS]
    return [big, otsu, *fixed]


def find_qr(image: np.ndarray) -> QrFound:
    """The invoice QR payloads on a page image, and the first QR's corners."""
    payloads, corners = _zxing(image)
    if payloads:
        return QrFound(payloads, corners)
    height, width = image.shape[:2]
    for upscale in _corner_scales(width):
        for x0, y0, x1, y1 in CORNERS:
            left, top = int(width * x0), int(height * y0)
            crop = image[top : int(height * y1), left : int(width * x1)]
            for variant in _variants(crop, upscale):
                payloads, corners = _zxing(variant)
                if payloads:
                    if corners is not None:
                        corners = corners / upscale + np.array([left, top], dtype=np.float32)
                    return QrFound(payloads, corners, coarse=upscale == FINE_UPSCALE)
    return _opencv(image)


def _corner_scales(width: int) -> tuple[float, ...]:
    """The sizes a page's corners are tried at, by its width (pixels): a small page's twice and
    four times, a large page's as it is."""
    if width < SMALL_PAGE:
        return (UPSCALE, FINE_UPSCALE)
    return (UPSCALE,) if width < LARGE_PAGE else (1.0,)


def _opencv(image: np.ndarray) -> QrFound:
    """OpenCV's QR detector, the fallback, on the page shrunk to LARGE_PAGE wide at most."""
    shrink = min(1.0, LARGE_PAGE / image.shape[1])
    if shrink < 1.0:
        image = cv2.resize(image, None, fx=shrink, fy=shrink, interpolation=cv2.INTER_AREA)
    try:
        text, points, _ = cv2.QRCodeDetector().detectAndDecode(image)
    except cv2.error:
        return QrFound()
    payload = parse_qr(text) if text else None
    if payload is None:
        return QrFound()
    corners = points.reshape(4, 2).astype(np.float32) / shrink if points is not None else None
    return QrFound([payload], corners)
