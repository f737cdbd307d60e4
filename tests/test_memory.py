"""Freed heap memory goes back to the system between OCR calls (capture/read/ocr/memory.py)."""

from capture.read.ocr.memory import release_freed_memory


def _resident_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS in /proc/self/status")


def test_freed_fragments_are_returned_to_the_system():
    chunks = [bytearray(100_000) for _ in range(3000)]  # 300 MB on the heap, below the mmap threshold
    kept = chunks[::20]  # what stays alive pins the heap: glibc cannot shrink it from the top
    del chunks
    before = _resident_mb()
    release_freed_memory()
    after = _resident_mb()
    assert before - after > 150, (before, after)
    assert len(kept) == 150
