"""The desk's login, for a desk open on the network (`capture review --host 0.0.0.0`): one shared
password, kept only as its scrypt hash, compared in constant time; a session is a random token in
a cookie (HttpOnly, SameSite=Strict) the server keeps in memory until logout or restart.

On loopback there is no login: the desk is the local user's own.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
from pathlib import Path

from capture.errors import UsageError

COOKIE = "capture_desk"
MIN_LENGTH = 8
#: scrypt's cost: 2**14 x 8 blocks (16 MiB, tens of milliseconds a try), as hashlib's docs suggest.
SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}
#: Where a browser goes without a session, and what it may fetch before logging in.
OPEN_PATHS = ("/login", "/static/")
WRONG_PASSWORD_DELAY = 0.5


def read_password(path: Path | None, env_value: str | None) -> str | None:
    """The shared password: the first line of `path`, else the environment variable's value;
    None when neither is given. A usage error for an unreadable file or a short password."""
    if path is not None:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise UsageError(f"cannot read the password file {path}: {error.strerror or error}") from error
        lines = text.splitlines()
        password = lines[0].strip() if lines else ""
    elif env_value:
        password = env_value.strip()
    else:
        return None
    if len(password) < MIN_LENGTH:
        raise UsageError(f"口令太短：至少 {MIN_LENGTH} 个字符 (the shared password needs at least {MIN_LENGTH} characters)")
    return password


class Gate:
    """The shared password (as a salted scrypt hash) and the sessions logged in with it."""

    def __init__(self, password: str) -> None:
        self._salt = secrets.token_bytes(16)
        self._hash = self._derive(password)
        self._sessions: set[str] = set()

    def _derive(self, password: str) -> bytes:
        return hashlib.scrypt(password.encode("utf-8"), salt=self._salt, **SCRYPT)

    async def log_in(self, password: str) -> str | None:
        """A new session token when the password is right; None (after a short delay) when not."""
        derived = await asyncio.to_thread(self._derive, password)
        if hmac.compare_digest(derived, self._hash):
            session = secrets.token_urlsafe(32)
            self._sessions.add(session)
            return session
        await asyncio.sleep(WRONG_PASSWORD_DELAY)
        return None

    def admits(self, session: str | None) -> bool:
        """Whether a cookie's value is a live session (compared in constant time)."""
        if not session:
            return False
        return any(hmac.compare_digest(session, known) for known in self._sessions)

    def log_out(self, session: str | None) -> None:
        self._sessions.discard(session or "")

    @staticmethod
    def is_open(path: str) -> bool:
        """Whether a path is served without a session (the login page, the static files)."""
        return path == OPEN_PATHS[0] or path.startswith(OPEN_PATHS[1])
