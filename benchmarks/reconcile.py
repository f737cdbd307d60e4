"""Reconciliation at scale: import a generated 100,000-row platform export (CSV and XLSX) and
reconcile it against a 100,000-row register (1% typed wrongly, 1% keyed twice, 1% missing, 1%
not on the platform, 1% voided). Seconds are medians of several runs; peak RSS of the process
(not a test)."""

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
from pathlib import Path

from capture.intake.files import file_sha256
from capture.reconcile.run import run_reconcile
from capture.register.imports import RegisterReader
from capture.register.platform import import_platform
from capture.register.platform_export import PlatformReader
from capture.register.store import Ledger
from capture.verify.taxid import USCC_ALPHABET, uscc_check_char
from fixtures.platform import PLATFORM_HEADERS, REGISTER_HEADERS

TODAY = dt.date(2025, 12, 31)


def _tax_id(rng: random.Random) -> str:
    body = "91" + "".join(rng.choice("0123456789") for _ in range(6)) + "".join(rng.choice(USCC_ALPHABET) for _ in range(9))
    return body + uscc_check_char(body)


def generate(rows: int, seed: int) -> tuple[list[list[str]], list[list[str]]]:
    """(platform rows, register rows) of one year of received invoices."""
    rng = random.Random(seed)
    sellers = [(_tax_id(rng), f"供应商{i}有限公司") for i in range(5_000)]
    platform, register = [], []
    for index in range(rows):
        tax_id, name = sellers[rng.randrange(len(sellers))]
        cents = rng.randrange(100, 10_000_000)
        tax = cents * 13 // 100
        date = (dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(360))).isoformat()
        number = f"25{rng.randint(11, 65)}7{index:015d}"
        amount, tax_text, total = f"{cents / 100:.2f}", f"{tax / 100:.2f}", f"{(cents + tax) / 100:.2f}"
        status = "已作废" if index % 100 == 5 else "正常"
        platform.append([str(index + 1), "", "", number, tax_id, name, "91310000MA1FL0000N", "本公司", f"{date} 10:00:00",
                         amount, tax_text, total, "电子发票服务平台", "数电票（增值税专用发票）", status, "是", "正常", "开票员", ""])
        book = ["", number, date, name, tax_id, "本公司", "91310000MA1FL0000N", amount, tax_text, total]
        kind = index % 100
        if kind == 1:  # typed wrongly: two neighbours swapped
            book[1] = number[:-2] + number[-1] + number[-2]
        elif kind == 2:  # missing from the books
            continue
        register.append(book)
        if kind == 3:  # keyed twice, the second time with a digit doubled
            register.append([book[0], number + number[-1], *book[2:]])
        if kind == 4:  # in the books, not on the platform
            platform.pop()
    return platform, register


def write_csv(path: Path, headers: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerows(rows)


def write_xlsx(path: Path, headers: list[str], rows: list[list[str]]) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("发票基础信息")
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    book.save(path)


def import_once(store: Path, export: Path) -> float:
    store.unlink(missing_ok=True)
    started = time.perf_counter()
    with Ledger(store) as ledger:
        reader = PlatformReader(export)
        result = import_platform(ledger, reader, export.name, file_sha256(export), "received", reader.errors)
    assert result.added > 0 and not result.bad_rows
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores; {args.rows:,} platform invoices; medians of {args.runs} runs")
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        platform, register = generate(args.rows, seed=19)
        write_csv(root / "platform-received.csv", PLATFORM_HEADERS, platform)
        write_xlsx(root / "platform-received.xlsx", PLATFORM_HEADERS, platform)
        write_csv(root / "register.csv", REGISTER_HEADERS, register)
        for name in ("platform-received.csv", "platform-received.xlsx"):
            times = [import_once(root / "import.db", root / name) for _ in range(args.runs)]
            print(f"platform import, {name}: {statistics.median(times):.2f} s (runs {', '.join(f'{t:.2f}' for t in times)})")
        store = root / "capture.db"
        store.unlink(missing_ok=True)
        import_once(store, root / "platform-received.csv")
        with Ledger(store) as ledger:
            reader = RegisterReader(root / "register.csv")
            ledger.import_register(reader, "register.csv", file_sha256(root / "register.csv"), reader.errors)
            times, lists = [], None
            for _ in range(args.runs):
                started = time.perf_counter()
                lists, _ = run_reconcile(ledger, root / "out", today=TODAY)
                times.append(time.perf_counter() - started)
        print(f"reconcile against {len(register):,} register rows: {statistics.median(times):.2f} s "
              f"(runs {', '.join(f'{t:.2f}' for t in times)}); lists: {lists.counts}")
        print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
