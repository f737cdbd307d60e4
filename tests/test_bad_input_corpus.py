"""Acceptance: a corpus of every kind of bad input a drop folder receives, made at run time (blank
and letter PDFs are in test_bad_input.py). The
batch never crashes, every file is reported (a one-line error, or a record saying why it is not
an invoice), and peak memory stays bounded."""

from __future__ import annotations

import json
import os
import random
import shutil
import struct
import subprocess
import sys
import zipfile
import zlib
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfgen import canvas

from capture.intake.sniff import collect_inputs
from capture.pipeline import run_batch
from capture.register.store import Ledger
from tests.conftest import INBOX, REAL, ROOT

GOOD = REAL / "ljf_25322000000337005189.pdf"
#: Peak resident memory of a whole corpus run (one worker: the CLI process does the work).
MAX_RSS_MB = 1500


def _pdf(path: Path, pages: int = 1, text: str | None = "Dear customer, this is not an invoice.", encrypt=None) -> None:
    page = canvas.Canvas(str(path), encrypt=encrypt)
    for _ in range(pages):
        if text:
            page.drawString(72, 720, text)
        page.showPage()
    page.save()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png_bomb(path: Path, side: int = 50_000) -> None:
    """A valid PNG header for side x side pixels with a tiny compressed body (a decompression bomb)."""
    header = _png_chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0))
    body = zlib.compress(b"\x00" * (side + 1) * 16, 9)  # the first rows only: never decoded anyway
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + header + _png_chunk(b"IDAT", body) + _png_chunk(b"IEND", b""))


def _jpeg_bomb(path: Path) -> None:
    """A small JPEG whose frame header claims 60000 x 60000 pixels."""
    buffer = BytesIO()
    Image.new("RGB", (16, 16), "white").save(buffer, "JPEG")
    data = bytearray(buffer.getvalue())
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", 60000, 60000)
    path.write_bytes(bytes(data))


def _tiff(path: Path, pages: int) -> None:
    frames = [Image.new("L", (8, 8), 255) for _ in range(pages)]
    frames[0].save(path, save_all=True, append_images=frames[1:], compression="tiff_deflate")


def _noise_png(path: Path) -> None:
    rng = random.Random(5)
    Image.frombytes("L", (160, 120), bytes(rng.randrange(256) for _ in range(160 * 120))).save(path)


def build_corpus(folder: Path) -> dict[str, str | None]:
    """Write the corpus; returns name -> a phrase its error must contain (None: any clear error or
    a record that is not ready)."""
    expect: dict[str, str | None] = {}

    def add(name: str, phrase: str | None, data: bytes | None = None) -> Path:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if data is not None:
            path.write_bytes(data)
        expect[name] = phrase
        return path

    good = GOOD.read_bytes()
    add("empty.pdf", "the file is empty", b"")
    add("empty scan.jpg", "the file is empty", b"")
    add("notes.pdf", "not an invoice document", b"this is a text file with a .pdf name\n")
    add("garbage.pdf", "not an invoice document", random.Random(1).randbytes(4096))
    add("truncated.pdf", "truncated or damaged", good[:3000])
    add("header only.pdf", "truncated or damaged", b"%PDF-1.7\n")
    _pdf(add("locked.pdf", "encrypted"), encrypt=StandardEncryption("secret", canPrint=0))
    _pdf(add("pages500.pdf", "500 pages"), pages=500, text=None)
    _png_bomb(add("bomb.png", "refused before decoding"))
    _jpeg_bomb(add("bomb.jpg", "refused before decoding"))
    png = BytesIO()
    _noise_png(add("noise.png", None))
    Image.open(folder / "noise.png").save(png, "PNG")
    add("truncated.png", None, png.getvalue()[:400])
    jpeg = BytesIO()
    Image.open(folder / "noise.png").convert("RGB").save(jpeg, "JPEG", quality=90)
    add("truncated.jpg", None, jpeg.getvalue()[: len(jpeg.getvalue()) // 3])
    add("header only.bmp", "cannot be read", b"BM" + b"\x00" * 10)
    _tiff(add("pages200.tif", "at most 100 are read"), 200)
    add("bogus.tif", "cannot be read", b"II*\x00" + b"\xff" * 60)
    webp = BytesIO()
    Image.open(folder / "noise.png").save(webp, "WEBP")
    add("truncated.webp", None, webp.getvalue()[:60])
    add("animated.gif", "not an invoice document", b"GIF89a" + b"\x00" * 64)
    zipped = BytesIO()
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("readme.txt", "not an OFD")
    add("not an ofd.ofd", "not an invoice document", zipped.getvalue())
    add("truncated.ofd", "not an invoice document", zipped.getvalue()[:40])
    add("broken.xml", None, b"<?xml version='1.0'?><Invoice><Number>1")
    laughs = '<!ENTITY l0 "lol">' + "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    add("laughs.xml", None, f'<?xml version="1.0"?><!DOCTYPE x [{laughs}]><x>&l9;</x>'.encode())
    add("download.html.pdf", None, b"<!DOCTYPE html><html><body>Session expired</body></html>")
    add("zeros 30MB.pdf", "not an invoice document", bytes(30 << 20))
    os.symlink(GOOD, add("link to invoice.pdf", "symbolic link"))
    os.symlink(folder / "nowhere.pdf", add("dangling link.pdf", "symbolic link"))
    os.mkfifo(add("pipe.pdf", "not a regular file"))
    shutil.copy(GOOD, add("发票 副本/数电 发票.pdf", "OK"))
    shutil.copy(INBOX / "02_legacy_e_normal.pdf", add("a/same name.pdf", "OK"))
    shutil.copy(INBOX / "05_digital_red.pdf", add("b/same name.pdf", "OK"))
    if os.geteuid() != 0:  # root reads anything
        locked = add("no permission.pdf", "permission denied", good)
        locked.chmod(0)
    (folder / ".~lock.partial.pdf#").write_bytes(b"hidden: still being copied, not read")
    return expect


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    return folder, build_corpus(folder)


def test_corpus_has_at_least_25_kinds_of_bad_input(corpus):
    _, expect = corpus
    assert sum(phrase != "OK" for phrase in expect.values()) >= 25


def test_every_bad_file_is_reported_and_the_batch_goes_on(corpus, tmp_path):
    folder, expect = corpus
    out = tmp_path / "out"
    command = [sys.executable, "-m", "capture.cli", "run", str(folder), "--out", str(out),
               "--store", str(tmp_path / "c.db"), "--workers", "1", "--json-logs"]
    with (tmp_path / "stderr").open("w") as log:
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log)
    _, status, usage = os.wait4(process.pid, 0)  # this child's own peak memory, from the kernel
    process.returncode = os.waitstatus_to_exitcode(status)
    stderr = (tmp_path / "stderr").read_text(encoding="utf-8")
    peak_mb = usage.ru_maxrss / 1024
    print(f"\nbad-input corpus: {len(expect)} files, peak RSS {peak_mb:.0f} MB")
    assert process.returncode == 1, stderr
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    errors = {e["file"]: e["error"] for e in report["errors"]}
    records: dict[str, list[dict]] = {}
    for line in (out / "records.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        records.setdefault(record["source"]["file"], []).append(record)
    for name, phrase in expect.items():
        if phrase == "OK":
            assert name not in errors and records[name] and records[name][0]["status"] in ("ready", "duplicate")
            continue
        if name in errors:
            assert errors[name] and "\n" not in errors[name], name
            assert phrase is None or phrase in errors[name], (name, errors[name])
        else:
            assert phrase is None, (name, "expected an error")
            assert records.get(name), (name, "neither an error nor a record")
            assert all(r["status"] in ("rejected", "review") and r["reasons"] for r in records[name]), name
    assert set(errors) | set(records) == set(expect)
    failed_lines = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    assert {e["file"] for e in failed_lines if e["event"] == "failed"} == set(errors)
    assert peak_mb < MAX_RSS_MB


def test_a_file_that_vanishes_after_listing_is_reported(tmp_path):
    shutil.copy(GOOD, tmp_path / "gone.pdf")
    shutil.copy(GOOD, tmp_path / "kept.pdf")
    files = collect_inputs([tmp_path])
    (tmp_path / "gone.pdf").unlink()
    result = run_batch([], Ledger(), workers=1, files=files)
    errors = {f.file: f.error for f in result.files}
    assert "vanished" in errors["gone.pdf"] and errors["kept.pdf"] is None

