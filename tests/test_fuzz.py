"""Fuzzing (hypothesis) of the readers a drop folder feeds: PDF, OFD, XML, images and register
exports. Each harness mutates committed seed files (byte deletions and insertions; for an OFD,
inside one member of the package) and asserts the reader either reads the file or refuses it
with an error a person can act on: never an exception the pipeline would report as an internal
error. Bounded: FUZZ_EXAMPLES examples per reader (default 200, 1-20 s each on 2 cores);
derandomized in CI so a run is repeatable, FUZZ_RANDOM=1 explores. Every crash found is kept
below as a regular test."""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from capture.errors import InputError, UsageError
from capture.pipeline import decoder_failure
from capture.read.einvoice_xml import read_invoice_xml
from capture.read.images import read_image_pages
from capture.read.ofd import read_ofd
from capture.read.pdf import read_pdf_pages
from capture.register.imports import RegisterReader
from tests.conftest import REAL, ROOT

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", 200))
FUZZ = settings(
    max_examples=EXAMPLES, deadline=None, database=None, derandomize=not os.environ.get("FUZZ_RANDOM"),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PDF_SEED = (REAL / "iocr_041001900111_32321709.pdf").read_bytes()
OFD_SEED = (REAL / "erma0_24322000000489101796.ofd").read_bytes()
XML_SEED = (ROOT / "fixtures" / "xml" / "erma0_24322000000489101796.xml").read_bytes()
CSV_SEED = (ROOT / "fixtures" / "register.csv").read_bytes()[:4000]


def _image_seed(kind: str) -> bytes:
    buffer = io.BytesIO()
    picture = Image.new("RGB", (48, 32), "white")
    picture.paste((0, 0, 0), (8, 8, 40, 24))
    picture.save(buffer, kind)
    return buffer.getvalue()


IMAGE_SEEDS = [_image_seed(kind) for kind in ("PNG", "JPEG", "TIFF", "WEBP", "BMP")]

#: (position, bytes deleted, bytes inserted) edits, applied in order.
EDITS = st.lists(st.tuples(st.integers(0, 1 << 20), st.integers(0, 64), st.binary(max_size=24)), min_size=1, max_size=6)


def mutate(data: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    for position, deleted, inserted in edits:
        at = position % (len(data) + 1)
        data = data[:at] + inserted + data[at + deleted:]
    return data


def _read_safely(read, data: bytes, suffix: str, allowed: tuple[type[Exception], ...] = (InputError,)) -> None:
    """Run a reader on the bytes; an exception is fine when it is a user error, or one the
    pipeline reports as a decoder's refusal (never as an internal error)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"fuzz{suffix}"
        path.write_bytes(data)
        try:
            read(path)
        except allowed:
            pass
        except Exception as error:  # noqa: BLE001 - judged below
            message = decoder_failure(error)
            assert not message.startswith("internal error"), f"{type(error).__name__}: {error}"


@FUZZ
@given(EDITS)
def test_fuzz_pdf_reader(edits):
    _read_safely(lambda p: list(read_pdf_pages(p)), mutate(PDF_SEED, edits), ".pdf")


@FUZZ
@given(st.integers(0, 100), EDITS)
def test_fuzz_ofd_reader(member, edits):
    with zipfile.ZipFile(io.BytesIO(OFD_SEED)) as seed:
        parts = [(info.filename, seed.read(info)) for info in seed.infolist()]
    name, data = parts[member % len(parts)]
    parts[member % len(parts)] = (name, mutate(data, edits))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for part_name, part in parts:
            archive.writestr(part_name, part)
    _read_safely(read_ofd, buffer.getvalue(), ".ofd")


@FUZZ
@given(EDITS)
def test_fuzz_xml_reader(edits):
    _read_safely(read_invoice_xml, mutate(XML_SEED, edits), ".xml")


@FUZZ
@given(st.sampled_from(range(len(IMAGE_SEEDS))), EDITS)
def test_fuzz_image_reader(seed, edits):
    _read_safely(lambda p: list(read_image_pages(p)), mutate(IMAGE_SEEDS[seed], edits), ".img")


@FUZZ
@given(EDITS)
def test_fuzz_register_reader(edits):
    _read_safely(lambda p: list(RegisterReader(p)), mutate(CSV_SEED, edits), ".csv", allowed=(UsageError,))


# Crashes the fuzzers found, kept as tests ------------------------------------------------------


def test_found_pdfminer_crashes_on_damaged_pdfs_are_read_or_refused(tmp_path):
    """A PDF whose font descriptor or cross-reference pdfminer cannot parse (PSSyntaxError,
    PDFNoValidXRef) or where it finds fewer pages than pdfium (IndexError) once ended as an
    internal error; the page is now read as pdfium sees it (a scan when it has no usable text)."""
    from capture.pipeline import process_file

    for number, edits in enumerate(([(4, 1, b"")], [(471, 5, b"")], [(4, 51, b""), (474, 48, b"")])):
        path = tmp_path / f"damaged{number}.pdf"
        path.write_bytes(mutate(PDF_SEED, edits))
        _read_safely(lambda p: list(read_pdf_pages(p)), path.read_bytes(), ".pdf")
        result = process_file(path, path.name)
        assert "internal error" not in (result.error or ""), result.error
