"""Serving the desk with uvicorn: on a loopback address without a login, on any other address
only with a shared password (capture/review/login.py). The port is bound before the server
starts, so a busy port is a clear user error, not a crash."""

from __future__ import annotations

import errno
import getpass
import socket
from pathlib import Path

from capture.errors import UsageError

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


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port; a usage error when the port is taken or the address
    is not this machine's."""
    try:
        infos = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as error:
        raise UsageError(f"无法监听 {host}：不是本机的地址 (cannot listen on {host}: {error.strerror})") from error
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as error:
        sock.close()
        if error.errno == errno.EADDRINUSE:
            raise UsageError(
                f"端口 {port} 已被占用，请用 --port 换一个 (port {port} on {host} is in use: another desk or program "
                "listens there; choose another with --port)"
            ) from error
        raise UsageError(f"无法监听 {host}:{port} (cannot listen on {host}:{port}: {error.strerror})") from error
    return sock


def serve(
    sock: socket.socket, store: Path, inboxes: list[Path], user: str, lang: str = "zh", password: str | None = None
) -> None:
    """Run the desk on a bound socket until interrupted; with a password every host may reach
    it (after logging in), without one only loopback names."""
    import uvicorn

    from capture.review.app import create_app

    app = create_app(store, inboxes, user, hosts=["*"] if password else None, lang=lang, password=password)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    server.run(sockets=[sock])
