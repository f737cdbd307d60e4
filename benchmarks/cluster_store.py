"""Beyond one machine (not a test): files per second of one batch read by the process pool and
by a local Dask cluster of 1 and 2 workers (`capture run --cluster`), and the store's duplicate
check per invoice on PostgreSQL (and SQLite) with a register of 1M rows. Medians of several runs."""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

import dask
from distributed import LocalCluster

from capture.cluster import ClusterPool
from capture.contract.record import Invoice, Record, Source
from capture.register.dedupe import BatchIndex, find_duplicate
from capture.register.imports import RegisterEntry
from capture.register.store import Ledger
from capture.workers import make_pool
from fixtures.generate import generate
from fixtures.postgres import new_database, running_postgres

SELLER = "91310000MA1FL0001X"


def files_per_second(inbox: Path, folder: Path, pool_of, runs: int) -> float:
    """Median files/s of `run_batch` over `inbox` with the pool `pool_of()` gives, a new store each run."""
    from capture.pipeline import run_batch

    count, rates = sum(1 for p in inbox.iterdir() if p.suffix == ".pdf"), []
    for n in range(runs):
        pool = pool_of()
        try:
            with Ledger(folder / f"s{time.monotonic_ns()}-{n}.db") as ledger:
                started = time.perf_counter()
                run_batch([inbox], ledger, workers=2, pool=pool)
                rates.append(count / (time.perf_counter() - started))
        finally:
            pool.shutdown()
    return statistics.median(rates)


def entries(count: int):
    for n in range(count):
        yield RegisterEntry(line=n + 2, code=None, number=f"2532200000{n:010d}", date=f"2024-{n % 12 + 1:02d}-{n % 28 + 1:02d}",
                            seller_name="甲公司", seller_tax_id=f"{SELLER[:-4]}{n % 5000:04d}", buyer_name=None,
                            buyer_tax_id=None, amount="100.00", tax="13.00", total=f"{n % 9973 + 1}.13")


def record(n: int) -> Record:
    invoice = Invoice.model_validate({
        "kind": "digital_normal", "code": None, "number": f"2532200000{n:010d}", "date": f"2024-{n % 12 + 1:02d}-{n % 28 + 1:02d}",
        "seller": {"name": "甲公司", "tax_id": f"{SELLER[:-4]}{n % 5000:04d}"}, "buyer": {"name": None, "tax_id": None},
        "amount": "100.00", "tax": "13.00", "total": f"{n % 9973 + 1}.13",
    })
    return Record(id=f"b{n}-p1", source=Source(file=f"b{n}.pdf", sha256="0" * 64, page=1, kind="pdf_text"),
                  invoice=invoice, status="ready")


def duplicate_check(store: str | Path, rows: int, checks: int, runs: int) -> tuple[float, float]:
    """(seconds to import `rows` register rows, median µs per duplicate check: half hits, half misses)."""
    with Ledger(store) as ledger:
        started = time.perf_counter()
        ledger.import_register(entries(rows), "register.csv", "r" * 64, [])
        loaded = time.perf_counter() - started
        probes = [record(n * 7919 % rows if n % 2 else rows + n) for n in range(checks)]
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            found = sum(find_duplicate(r, ledger, BatchIndex.empty()) is not None for r in probes)
            timings.append((time.perf_counter() - started) / checks * 1e6)
        assert found == checks // 2, found
    return loaded, statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--files", type=int, default=24)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--checks", type=int, default=2000)
    args = parser.parse_args()
    print(f"{platform.machine()}, {os.cpu_count()} cores; median of {args.runs} runs")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        generate(work / "inbox", args.files, seed=4242)
        print(f"files per second, {args.files} text PDFs (a new store each run):")
        print(f"  process pool, 2 workers      {files_per_second(work / 'inbox', work, lambda: make_pool(2), args.runs):6.1f}")
        with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
            for workers in (1, 2):
                with LocalCluster(n_workers=workers, threads_per_worker=1, dashboard_address=None) as cluster:
                    rate = files_per_second(work / "inbox", work, lambda c=cluster: ClusterPool(c.scheduler_address, log_files=False), args.runs)
                print(f"  Dask LocalCluster, {workers} worker{'s' if workers > 1 else ' '}  {rate:6.1f}")
        print(f"duplicate check per invoice, register of {args.rows:,} rows ({args.checks} checks, half of them hits):")
        with running_postgres() as server:
            for name, store in (("PostgreSQL", new_database(server, "bench")), ("SQLite", work / "bench.db")):
                loaded, micros = duplicate_check(store, args.rows, args.checks, args.runs)
                print(f"  {name:10}  {micros:8.0f} µs per invoice  (register import: {loaded:.0f} s)")


if __name__ == "__main__":
    main()
