"""`capture run … --cluster tcp://HOST:8786`: the per-file work (read, OCR, extract, verify) on a
Dask distributed cluster; duplicates, decisions and outputs stay with the coordinator and its store.

`ClusterPool` is an Executor for `run_batch(pool=…)`: each file travels to a worker as bytes
(workers need no shared file system), at most MAX_SEND_BYTES, with a bounded number in flight so
the coordinator never holds the whole batch in memory. A worker plugin loads the OCR engine once
per worker process at start. A worker that dies mid-file: the scheduler gives the file to another
worker (`allowed-failures`, 1 for a cluster started as the README says); a file whose workers died
every time fails with a reason, and the batch goes on.
"""

from __future__ import annotations

import datetime as dt
import os
import queue
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future
from pathlib import Path, PurePath
from typing import Any

from distributed import Client, KilledWorker, WorkerPlugin

from capture.console import log
from capture.errors import UsageError
from capture.intake.budget import bound_from_env
from capture.pipeline import FileResult, process_file

#: The largest file sent to a worker (CAPTURE_CLUSTER_MAX_BYTES overrides it).
MAX_SEND_BYTES = 64 << 20

#: The error of a file whose workers died each time it was read there.
WORKERS_DIED = "集群中读取此文件的工作进程两次意外退出 (the cluster workers reading this file died, twice: killed, or out of memory)"


def max_send_bytes() -> int:
    """The largest file sent to a worker: CAPTURE_CLUSTER_MAX_BYTES, or MAX_SEND_BYTES."""
    return int(bound_from_env("CAPTURE_CLUSTER_MAX_BYTES", MAX_SEND_BYTES, 1))


def read_sent_file(data: bytes, name: str, today: dt.date | None, digest: str | None, engine: str | None) -> FileResult:
    """On a worker: one file, sent as bytes, read as `process_file` reads it locally."""
    if engine:
        os.environ.setdefault("CAPTURE_OCR_ENGINE", engine)
    suffix = PurePath(os.fsdecode(os.fsencode(name))).suffix[:16]
    with tempfile.TemporaryDirectory(prefix="capture-") as folder:
        path = Path(folder) / f"file{suffix}"
        path.write_bytes(data)
        return process_file(path, name, today, digest)


class LoadEngine(WorkerPlugin):
    """Worker plugin: build the OCR engine once, when the worker starts (not on its first scan)."""

    name = "capture-ocr-engine"

    def __init__(self, engine: str | None) -> None:
        self.engine = engine

    def setup(self, worker: Any) -> None:
        from capture.read.ocr import configure, get_engine

        configure(self.engine)
        get_engine()

    def teardown(self, worker: Any) -> None: ...


class ClusterPool(Executor):
    """Files to a Dask cluster, results back as concurrent futures (in any order)."""

    def __init__(self, address: str, engine: str | None = None, window: int | None = None, log_files: bool = True) -> None:
        try:
            self.client = Client(address, timeout="20s", set_as_default=False)
        except (OSError, TimeoutError) as error:
            raise UsageError(f"无法连接 Dask 集群 {address} (cannot reach the cluster scheduler: {error})") from error
        self.engine, self.cap, self.log_files = engine, max_send_bytes(), log_files
        self.client.register_plugin(LoadEngine(engine))
        workers = len(self.client.scheduler_info().get("workers", {}))
        self.window = threading.Semaphore(window or max(2, 2 * workers))
        self.sent = self.done = 0
        self._lock = threading.Lock()
        self._jobs: queue.Queue = queue.Queue()
        self._feeder: threading.Thread | None = None
        log("cluster", f"集群 {address}：{workers} 个工作进程 (cluster {address}: {workers} workers)", cluster=address, workers=workers)

    def submit(self, fn: Callable, /, *args: Any, **kwargs: Any) -> Future:
        """Run `process_file`'s job (path, name, today, sha256) on the cluster; `fn` is the local
        job runner it stands for. Returns at once: a feeder thread sends the files, a bounded
        number at a time."""
        future: Future = Future()
        self._jobs.put((fn, args, future))
        if self._feeder is None:
            self._feeder = threading.Thread(target=self._feed, daemon=True, name="cluster-feeder")
            self._feeder.start()
        return future

    def _feed(self) -> None:
        while (item := self._jobs.get()) is not None:
            fn, args, future = item
            try:
                self._send(fn, args, future)
            except BaseException as error:  # noqa: BLE001 - the scheduler is gone: the batch fails
                future.set_exception(error)

    def _send(self, fn: Callable, args: tuple, future: Future) -> None:
        (path, name, today, digest), = args
        try:
            size = os.path.getsize(path)
        except OSError:
            future.set_result(fn(*args))  # vanished or unreadable: said as it is said locally
            return
        if size > self.cap:
            future.set_result(FileResult(file=name, sha256=digest, error=(
                f"文件过大，无法发送到集群：{size:,} 字节，上限 {self.cap:,} (the file is too large to send to the cluster: "
                f"{size:,} bytes, at most {self.cap:,}; CAPTURE_CLUSTER_MAX_BYTES sets the limit)")))
            return
        self.window.acquire()  # a bounded number of files in flight
        try:
            data = Path(path).read_bytes()
        except OSError:
            self.window.release()
            future.set_result(fn(*args))
            return
        remote = self.client.submit(read_sent_file, data, name, today, digest, self.engine, pure=False)
        with self._lock:
            self.sent += 1
        remote.add_done_callback(lambda finished: self._finish(finished, future, name, digest))

    def _finish(self, remote: Any, future: Future, name: str, digest: str | None) -> None:
        self.window.release()
        with self._lock:
            self.done += 1
            done, sent = self.done, self.sent
        try:
            result = remote.result()
        except KilledWorker:
            result = FileResult(file=name, sha256=digest, error=WORKERS_DIED)
        except BaseException as error:  # noqa: BLE001 - handed to the coordinator's batch
            future.set_exception(error)
            return
        if self.log_files:  # the JSON logs' progress (the progress bar counts the files itself)
            log("cluster_progress", f"集群已读 {done}/{sent} (the cluster has read {done} of {sent} files sent)",
                done=done, sent=sent, file=result.shown, error=result.error)
        future.set_result(result)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._jobs.put(None)
        self.client.close()
