"""The desk never serves a file outside its configured folders: traversal in URLs (plain,
encoded, absolute), forged `source.file` names, and links leading out of a root are refused."""

from __future__ import annotations

import http.client
import json
import shutil
from pathlib import Path

import pytest

from capture.intake.files import file_sha256
from capture.register.store import Ledger
from capture.review.app import create_app
from capture.review.files import SourceFiles
from tests.review_support import prepare, running

SECRET = b"root:x:0:0:secret-outside-the-inbox"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("paths")
    prepared = prepare(tmp)
    outside = tmp / "outside"
    outside.mkdir()
    (outside / "passwd").write_bytes(SECRET)
    # a real invoice outside the inbox: it reads fine, so only the folder check keeps it out
    shutil.copy(prepared.inbox / "02_legacy_e_normal.pdf", outside / "elsewhere.pdf")
    (prepared.inbox / "link.pdf").symlink_to(outside / "elsewhere.pdf")
    (prepared.inbox / "linked_dir").symlink_to(outside, target_is_directory=True)
    secret_sha, pdf_sha = file_sha256(outside / "passwd"), file_sha256(outside / "elsewhere.pdf")
    forged = {
        "forged-up": ("../outside/elsewhere.pdf", pdf_sha),
        "forged-passwd": ("../../../../../../etc/passwd", file_sha256(Path("/etc/passwd"))),
        "forged-absolute": (str(outside / "elsewhere.pdf"), pdf_sha),
        "forged-link": ("link.pdf", pdf_sha),
        "forged-dir-link": ("linked_dir/elsewhere.pdf", pdf_sha),
        "forged-secret": ("linked_dir/passwd", secret_sha),
    }
    with Ledger(prepared.store) as book, book.db:
        template = json.loads(book.db.execute("SELECT record FROM emitted LIMIT 1").fetchone()[0])
        for record_id, (name, sha) in forged.items():
            record = {**template, "id": record_id, "status": "review", "source": {**template["source"], "file": name, "sha256": sha}}
            book.db.execute(
                "INSERT INTO emitted (record_id, status, run_id, emitted_at, record) VALUES (?, 'review', 'forged', '2000-01-01', ?)",
                (record_id, json.dumps(record)),
            )
    app = create_app(prepared.store, [prepared.inbox], "tester")
    with running(app) as base:
        yield base, prepared, forged, outside


def raw_get(base: str, path: str) -> tuple[int, bytes]:
    """GET a path exactly as written (no client-side normalisation)."""
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.putrequest("GET", path, skip_accept_encoding=True)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@pytest.mark.parametrize("path", [
    "/static/../../../../etc/passwd",
    "/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/static/..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/static/%2fetc%2fpasswd",
    "/static//etc/passwd",
    "/static/..%5c..%5c..%5cetc%5cpasswd",
    "/record/..%2f..%2f..%2fetc%2fpasswd/page.png",
    "/record/%2fetc%2fpasswd/page.png",
    "/record/../../etc/passwd",
    "/../../../../etc/passwd",
    "/record/forged-up/../../../outside/passwd",
])
def test_traversal_urls_are_refused(site, path):
    base = site[0]
    status, body = raw_get(base, path)
    assert status in (400, 403, 404), (path, status)
    assert b"root:" not in body and SECRET not in body


@pytest.mark.parametrize("record_id", ["forged-up", "forged-passwd", "forged-absolute", "forged-link", "forged-dir-link", "forged-secret"])
def test_forged_source_names_and_escaping_links_find_nothing(site, record_id):
    base = site[0]
    status, body = raw_get(base, f"/record/{record_id}/page.png")
    assert status == 404 and SECRET not in body and b"root:" not in body
    page_status, page = raw_get(base, f"/record/{record_id}")
    assert page_status == 200 and b'id="nofile"' in page


def test_files_inside_the_roots_are_found_by_name_and_sha256(site):
    _, prepared, forged, outside = site
    files = SourceFiles([prepared.inbox])
    inside = prepared.inbox / "02_legacy_e_normal.pdf"
    sha = file_sha256(inside)
    assert files.find("02_legacy_e_normal.pdf", sha) == inside.resolve()
    assert files.find("02_legacy_e_normal.pdf", "0" * 64) is None  # same name, other content
    for name, digest in forged.values():
        assert files.find(name, digest) is None
    assert files.find("sub/02_legacy_e_normal.pdf", sha) == inside.resolve()  # found by base name inside
    assert SourceFiles([outside]).find("elsewhere.pdf", file_sha256(outside / "elsewhere.pdf")) is not None
