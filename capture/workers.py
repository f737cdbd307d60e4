"""The worker process pool: one worker per core, Ctrl-C left to the parent, and no orphans.

Heavy per-process state (the OCR engine and its models) is built once per worker on first use
(capture/read/ocr `get_engine`), not at start, so a batch of text-layer PDFs never loads a model.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from capture.errors import FileTooSlow


def worker_init(parent: int | None = None) -> None:
    """Pool initializer: leave Ctrl-C to the parent (it stops cleanly after the current file) and
    exit when the parent dies (even by SIGKILL)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent,), daemon=True, name="exit-with-parent").start()


def _exit_with(parent: int) -> None:
    """Exit this worker once its parent is gone (an orphan is re-parented)."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def default_workers() -> int:
    """One worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def make_pool(workers: int) -> ProcessPoolExecutor:
    """A process pool of `workers` processes that leave Ctrl-C to this one and end with it."""
    return ProcessPoolExecutor(max_workers=workers, initializer=worker_init, initargs=(os.getpid(),))


def costliest_first(paths: Sequence[Path]) -> list[int]:
    """The order (indices into `paths`) to hand files to the workers in: the largest first. A
    file's bytes are a fair guess at its reading time (a multi-page TIFF or a phone photo costs
    several one-page scans; a text-layer PDF, an OFD or an XML little), and handing the longest
    out first keeps a batch from ending with one worker reading a big file while the others
    wait (longest-processing-time-first scheduling). Equal sizes keep their order; a file that
    cannot be measured goes last (it fails at once)."""

    def size(index: int) -> int:
        try:
            return paths[index].stat().st_size
        except OSError:
            return -1

    return sorted(range(len(paths)), key=lambda index: -size(index))


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Abandon the work inside after `seconds` (0: no limit) with FileTooSlow, raised in this
    process's main thread by a timer signal. A reader stuck inside one native call is stopped
    when the call returns; the page and pixel budgets keep such calls short. Off the main
    thread (where signals cannot be handled) there is no limit."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(_signum: int, _frame: object) -> None:
        raise FileTooSlow(
            f"读取超时：超过 {seconds:.0f} 秒，已放弃此文件 (the file took longer than {seconds:.0f} s to read and was "
            "abandoned; CAPTURE_FILE_SECONDS sets the limit)"
        )

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
