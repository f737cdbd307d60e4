"""The worker process pool, and the hook that loads heavy state (OCR models) once per worker.

A module that needs per-process state registers an initializer by its dotted name:

    from capture.workers import register_worker_init
    register_worker_init("capture.read.ocr.rapid:warm_up")

Every worker of every pool calls each registered initializer once, when it starts. Names (not
function objects) are passed, so this works with any start method (fork, spawn, forkserver).
"""

from __future__ import annotations

import importlib
import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor

_INITIALIZERS: list[str] = []


def register_worker_init(target: str) -> None:
    """Have every worker call `module:function` once when it starts."""
    if ":" not in target:
        raise ValueError(f"expected 'module:function', got {target!r}")
    if target not in _INITIALIZERS:
        _INITIALIZERS.append(target)


def worker_init(targets: tuple[str, ...] = (), parent: int | None = None) -> None:
    """Pool initializer: leave Ctrl-C to the parent (it stops cleanly after the current file),
    exit when the parent dies (even by SIGKILL), then run the registered initializers."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent,), daemon=True, name="exit-with-parent").start()
    for target in targets:
        module, _, function = target.partition(":")
        getattr(importlib.import_module(module), function)()


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
    """A process pool whose workers run the registered initializers once each."""
    return ProcessPoolExecutor(
        max_workers=workers, initializer=worker_init, initargs=(tuple(_INITIALIZERS), os.getpid())
    )
