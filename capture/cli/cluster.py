"""`capture run --cluster tcp://HOST:8786`: the option and the pool it opens (capture/cluster.py)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from concurrent.futures import Executor
from typing import Annotated

import typer

from capture.cli.options import EXIT_USAGE, fail
from capture.errors import UsageError

ClusterOption = Annotated[
    str | None,
    typer.Option("--cluster", envvar="CAPTURE_CLUSTER",
                 help="Read the files on a Dask cluster: its scheduler's address, e.g. tcp://host:8786 (README: Running on several machines)."),
]


@contextlib.contextmanager
def cluster_pool(address: str | None, engine: str | None, json_logs: bool) -> Iterator[Executor | None]:
    """The cluster's pool for `run_batch(pool=…)`, or None without --cluster; closed after."""
    if not address:
        yield None
        return
    try:
        from capture.cluster import ClusterPool
    except ImportError:
        fail("--cluster 需要 dask：pip install 'capture[cluster]' (--cluster needs the cluster extra: dask[distributed])", EXIT_USAGE)
    try:
        pool = ClusterPool(address, engine, log_files=json_logs)
    except UsageError as error:
        fail(str(error), EXIT_USAGE)
    try:
        yield pool
    finally:
        pool.shutdown()
