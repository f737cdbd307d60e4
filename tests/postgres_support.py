"""A real PostgreSQL server for the tests (fixtures/postgres.py): one per test session, a new
database per test. No skipping: a server that cannot start fails the tests that need it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from fixtures.postgres import new_database, running_postgres


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A started PostgreSQL server: its base URL, `postgresql://capture@127.0.0.1:PORT`."""
    with running_postgres() as url:
        yield url


@pytest.fixture
def postgres_store(postgres_server: str) -> str:
    """The URL of a new, empty database on the test server (one per test)."""
    return new_database(postgres_server, f"t_{uuid.uuid4().hex[:12]}")


@pytest.fixture(params=["sqlite", "postgresql"])
def store_target(request: pytest.FixtureRequest, tmp_path: Path) -> str | Path:
    """A store on each backend: an SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        return tmp_path / "capture.db"
    return request.getfixturevalue("postgres_store")
