"""Register scale: import a generated 1,000,000-row register, then time duplicate checks against
it (median per invoice) and report peak memory (not a test)."""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import statistics
import tempfile
import time
from pathlib import Path

from capture.contract.record import Invoice, Party, Record, Source
from capture.contract.taxid import USCC_ALPHABET, uscc_check_char
from capture.intake.files import file_sha256
from capture.register.dedupe import BatchIndex, find_duplicate
from capture.register.imports import RegisterReader
from capture.register.store import Ledger

HEADERS = ["发票代码", "发票号码", "开票日期", "销售方名称", "销售方纳税人识别号", "金额", "税额", "价税合计"]


def _tax_id(rng: random.Random) -> str:
    body = "91" + "".join(rng.choice("0123456789") for _ in range(6)) + "".join(rng.choice(USCC_ALPHABET) for _ in range(9))
    return body + uscc_check_char(body)


def write_register(path: Path, rows: int, seed: int) -> list[list[str]]:
    """A register CSV with a mix of 数电 and legacy rows; returns a sample of its rows."""
    rng = random.Random(seed)
    sellers = [(_tax_id(rng), f"供应商{i}有限公司") for i in range(20_000)]
    sample = []
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        for index in range(rows):
            tax_id, name = sellers[rng.randrange(len(sellers))]
            cents = rng.randrange(100, 10_000_000)
            tax = cents * 13 // 100
            date = f"20{rng.randint(19, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            if index % 2:
                code, number = "", f"{rng.randint(19, 25)}32{index:016d}"
            else:
                code, number = f"0{rng.randint(10000000000, 99999999999)}"[:12], f"{index % 10**8:08d}"
            row = [code, number, date, name, tax_id, f"{cents / 100:.2f}", f"{tax / 100:.2f}", f"{(cents + tax) / 100:.2f}"]
            writer.writerow(row)
            if index % 1000 == 0:
                sample.append(row)
    return sample


def as_record(row: list[str], number: str, index: int) -> Record:
    code, _, date, name, tax_id, amount, tax, total = row
    invoice = Invoice(code=code or None, number=number, date=date, seller=Party(name=name, tax_id=tax_id),
                      amount=amount, tax=tax, total=total)
    return Record(id=f"bench-{index}", source=Source(file="x.pdf", sha256="0" * 64, page=1, kind="pdf_text"),
                  invoice=invoice, status="ready")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--checks", type=int, default=2000)
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores; register of {args.rows:,} rows")
    with tempfile.TemporaryDirectory() as folder:
        csv_path, store = Path(folder) / "register.csv", Path(folder) / "capture.db"
        started = time.perf_counter()
        sample = write_register(csv_path, args.rows, seed=5)
        print(f"generated CSV ({csv_path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - started:.1f} s")
        with Ledger(store) as ledger:
            started = time.perf_counter()
            reader = RegisterReader(csv_path)
            result = ledger.import_register(reader, csv_path.name, file_sha256(csv_path), reader.errors)
            total = time.perf_counter() - started
            print(f"import (parse and store, streamed): {result.added:,} rows in {total:.1f} s, "
                  f"{len(result.bad_rows)} bad rows; store {store.stat().st_size / 1e6:.0f} MB")
            rng = random.Random(9)
            timings, outcomes = [], {}
            batch = BatchIndex.empty()
            for index in range(args.checks):
                row = sample[rng.randrange(len(sample))]
                number = row[1]
                if index % 3 == 1:  # a near miss: 1 read as 7 somewhere, or a fresh number
                    number = number.replace("1", "7", 1) if "1" in number else number[::-1]
                elif index % 3 == 2:
                    number = str(rng.randint(10**19, 10**20 - 1)) if len(number) == 20 else f"{rng.randint(0, 10**8 - 1):08d}"
                record = as_record(row, number, index)
                started = time.perf_counter()
                found = find_duplicate(record, ledger, batch)
                timings.append(time.perf_counter() - started)
                outcome = found.status if found else record.status
                outcomes[outcome] = outcomes.get(outcome, 0) + 1
            print(f"duplicate check: median {statistics.median(timings) * 1000:.3f} ms, "
                  f"p95 {sorted(timings)[int(len(timings) * 0.95)] * 1000:.3f} ms per invoice over {args.checks} "
                  f"({', '.join(f'{k} {v}' for k, v in sorted(outcomes.items()))})")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MB")


if __name__ == "__main__":
    main()
