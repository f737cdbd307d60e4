"""Files go to the workers largest first (a multi-page scan is not left to the end while the
other workers wait), and the batch's records and decisions keep the input order all the same."""

from __future__ import annotations

import shutil
from concurrent.futures import Future, ThreadPoolExecutor

from capture.pipeline import run_batch
from capture.register.store import Ledger
from capture.workers import costliest_first
from tests.conftest import INBOX


class _RecordingPool(ThreadPoolExecutor):
    """One thread; remembers the files in the order they were handed out."""

    def __init__(self) -> None:
        super().__init__(max_workers=1)
        self.handed: list[str] = []

    def submit(self, fn, /, *args, **kwargs) -> Future:
        self.handed.append(args[0][1])  # the job's shown name
        return super().submit(fn, *args, **kwargs)


def test_the_largest_file_is_handed_out_first_and_a_missing_one_last(tmp_path):
    sizes = {"small.pdf": 10, "big.tif": 3000, "middle.jpg": 500, "also_middle.jpg": 500}
    paths = []
    for name, size in sizes.items():
        (tmp_path / name).write_bytes(b"x" * size)
        paths.append(tmp_path / name)
    paths.insert(1, tmp_path / "gone.pdf")
    assert [paths[i].name for i in costliest_first(paths)] == ["big.tif", "middle.jpg", "also_middle.jpg", "small.pdf", "gone.pdf"]


def test_a_batch_hands_out_the_largest_first_and_keeps_the_input_order(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    names = ["01_digital_normal.pdf", "07_multi.pdf", "02_legacy_e_normal.pdf"]  # 6.7, 13.3, 7.9 kB
    for name in names:
        shutil.copy(INBOX / name, inbox / name)
    with _RecordingPool() as pool, Ledger(tmp_path / "capture.db") as ledger:
        result = run_batch([inbox / name for name in names], ledger, workers=2, pool=pool)
    assert pool.handed == ["07_multi.pdf", "02_legacy_e_normal.pdf", "01_digital_normal.pdf"]
    assert [f.file for f in result.files] == names
    files_of_records = [r.source.file for r in result.records]
    assert files_of_records == sorted(files_of_records, key=names.index)
    assert len(result.records) >= 4 and all(f.error is None for f in result.files)
