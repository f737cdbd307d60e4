"""Reconciliation at scale: import a generated 100,000-row platform export (CSV and XLSX) and
reconcile it against a 100,000-row register (1% typed wrongly, 1% keyed twice, 1% missing, 1%
not on the platform, 1% voided). Seconds are medians of several runs, wall and CPU (on a shared
machine the CPU seconds say what an idle one would take); peak RSS of the process (not a test)."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import resource
import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from capture.contract.taxid import USCC_ALPHABET, uscc_check_char
from capture.intake.files import file_sha256
from capture.reconcile.run import run_reconcile
from capture.register.imports import RegisterReader
from capture.register.platform import import_platform
from capture.register.platform_export import PlatformReader
from capture.register.store import Ledger
from fixtures.platform import PLATFORM_HEADERS, REGISTER_HEADERS

TODAY = dt.date(2025, 12, 31)
PREFIXES = [f"{a}{b}" for a in "123456" for b in "0123456789" if a != b]  # regions, two different digits


def _tax_id(rng: random.Random) -> str:
    body = "91" + "".join(rng.choice("0123456789") for _ in range(6)) + "".join(rng.choice(USCC_ALPHABET) for _ in range(9))
    return body + uscc_check_char(body)


def rows_of(count: int, seed: int) -> Iterator[tuple[list[str] | None, list[list[str]]]]:
    """(platform row or None, register rows) for each of `count` received invoices of one year."""
    rng = random.Random(seed)
    sellers = [(_tax_id(rng), f"供应商{i}有限公司") for i in range(5_000)]
    for index in range(count):
        tax_id, name = sellers[rng.randrange(len(sellers))]
        cents = rng.randrange(100, 10_000_000)
        tax = cents * 13 // 100
        date = (dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(360))).isoformat()
        number = f"25{rng.choice(PREFIXES)}7{index:015d}"
        amount, tax_text, total = f"{cents / 100:.2f}", f"{tax / 100:.2f}", f"{(cents + tax) / 100:.2f}"
        kind = index % 100
        status = "已作废" if kind == 5 else "正常"
        platform = [str(index + 1), "", "", number, tax_id, name, "91310000MA1FL0000N", "本公司", f"{date} 10:00:00",
                    amount, tax_text, total, "电子发票服务平台", "数电票（增值税专用发票）", status, "是", "正常", "开票员", ""]
        book = ["", number, date, name, tax_id, "本公司", "91310000MA1FL0000N", amount, tax_text, total]
        if kind == 1:  # typed wrongly: two neighbours swapped (in the prefix: no other invoice has that number)
            book[1] = number[:2] + number[3] + number[2] + number[4:]
        books = [] if kind == 2 else [book]  # kind 2: missing from the books
        if kind == 3:  # keyed twice, the second time with a digit doubled
            books.append([book[0], number + number[-1], *book[2:]])
        yield (None if kind == 4 else platform), books  # kind 4: in the books, not on the platform


def write_files(root: Path, count: int, seed: int) -> int:
    """platform-received.csv, platform-received.xlsx and register.csv, streamed (nothing held in
    memory, so the peak RSS is the import's and the reconciliation's); returns the register's rows."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("发票基础信息")
    sheet.append(PLATFORM_HEADERS)
    booked = 0
    with (root / "platform-received.csv").open("w", encoding="utf-8-sig", newline="") as platform_file, \
            (root / "register.csv").open("w", encoding="utf-8-sig", newline="") as register_file:
        platform_csv, register_csv = csv.writer(platform_file), csv.writer(register_file)
        platform_csv.writerow(PLATFORM_HEADERS)
        register_csv.writerow(REGISTER_HEADERS)
        for platform, books in rows_of(count, seed):
            if platform is not None:
                platform_csv.writerow(platform)
                sheet.append(platform)
            register_csv.writerows(books)
            booked += len(books)
    book.save(root / "platform-received.xlsx")
    return booked


def import_once(store: Path, export: Path) -> tuple[float, float]:
    """Wall and CPU seconds (both threads) of one import into a fresh store."""
    store.unlink(missing_ok=True)
    started, cpu = time.perf_counter(), time.process_time()
    with Ledger(store) as ledger:
        reader = PlatformReader(export)
        result = import_platform(ledger, reader, export.name, file_sha256(export), "received", reader.errors)
    assert result.added > 0 and not result.bad_rows
    return time.perf_counter() - started, time.process_time() - cpu


def report(what: str, runs: list[tuple[float, float]]) -> None:
    walls, cpus = [w for w, _ in runs], [c for _, c in runs]
    print(f"{what}: {statistics.median(walls):.2f} s wall, {statistics.median(cpus):.2f} s CPU "
          f"(runs {', '.join(f'{w:.2f}' for w in walls)}; load average {os.getloadavg()[0]:.1f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores; {args.rows:,} platform invoices; medians of {args.runs} runs")
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        booked = write_files(root, args.rows, seed=19)
        for name in ("platform-received.csv", "platform-received.xlsx"):
            report(f"platform import, {name}", [import_once(root / "import.db", root / name) for _ in range(args.runs)])
        store = root / "capture.db"
        store.unlink(missing_ok=True)
        import_once(store, root / "platform-received.csv")
        with Ledger(store) as ledger:
            reader = RegisterReader(root / "register.csv")
            ledger.import_register(reader, "register.csv", file_sha256(root / "register.csv"), reader.errors)
            runs, lists = [], None
            for _ in range(args.runs):
                started, cpu = time.perf_counter(), time.process_time()
                lists, _ = run_reconcile(ledger, root / "out", today=TODAY)
                runs.append((time.perf_counter() - started, time.process_time() - cpu))
        report(f"reconcile against {booked:,} register rows", runs)
        print(f"lists: {lists.counts}")
        print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
