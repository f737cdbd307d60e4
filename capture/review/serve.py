"""Serving the desk with uvicorn on a loopback address."""

from __future__ import annotations

import getpass
from pathlib import Path

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def is_loopback(host: str) -> bool:
    """Whether `host` is a loopback address or name (127.0.0.0/8, ::1, localhost)."""
    import ipaddress

    if host.strip().lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def default_user() -> str:
    """Who decides when --user is not given: the OS user."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def serve(store: Path, inboxes: list[Path], user: str, host: str, port: int) -> None:
    """Run the desk until interrupted."""
    import uvicorn

    from capture.review.app import create_app

    hosts = None if host in LOOPBACK else [host, *LOOPBACK - {"::1"}]
    app = create_app(store, inboxes, user, hosts=hosts)
    uvicorn.run(app, host=host, port=port, log_level="warning")
