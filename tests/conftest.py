"""Shared fixtures: paths to the committed real samples and the sample inbox."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.postgres_support import postgres_server, postgres_store, store_target  # noqa: F401 - shared fixtures

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "fixtures" / "real"
INBOX = ROOT / "fixtures" / "inbox"
REGISTER = ROOT / "fixtures" / "register.csv"


def load_truth(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture
def real_truth():
    """Truth of a committed real sample by file name."""

    def get(name: str) -> dict:
        return load_truth(REAL / name.replace(".pdf", ".truth.json").replace(".ofd", ".truth.json"))

    return get
