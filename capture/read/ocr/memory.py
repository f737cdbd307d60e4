"""Handing freed memory back to the system between OCR calls.

A page's OCR allocates a few hundred MB of short-lived buffers (the detector's feature maps, the
widest recognition batch). glibc keeps what was freed for reuse, in pieces the next page cannot
always use, so a worker's resident memory grows to about twice what one page needs. Trimming
after each call keeps a worker near its working set (measured: benchmarks/ocr.py).
"""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import cache


@cache
def _malloc_trim():
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        return ctypes.CDLL(name).malloc_trim  # glibc only; musl and macOS have none
    except (OSError, AttributeError):
        return None


def release_freed_memory() -> None:
    """Return the heap's free pages to the system (a no-op where the C library cannot)."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
