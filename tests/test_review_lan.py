"""The desk on the office network: `capture review --host 0.0.0.0` runs only with a shared
password, and a browser on another PC gets in after logging in (tested over real HTTP through
this machine's non-loopback address); a busy port or a short password is a usage error."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from capture.register.store import Ledger
from capture.review.login import Gate, read_password

ROOT = Path(__file__).parent.parent
PASSWORD = "财务部-2024-desk"


def lan_address() -> str:
    """This machine's address on its network (the one a route out leaves from; no packet is sent)."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("10.255.255.255", 1))
            address = probe.getsockname()[0]
    except OSError:
        address = ""
    if not address or address.startswith("127.") or address == "0.0.0.0":
        pytest.fail("this machine has no non-loopback IPv4 address to test the desk's network login through")
    return address


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("0.0.0.0", 0))
        return probe.getsockname()[1]


def review(*args: object, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "capture.cli", "review", *map(str, args)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})})


def wait_until_up(process: subprocess.Popen, url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the desk exited with {process.returncode}: {process.stderr.read()}")
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    pytest.fail("the desk did not start")


@pytest.fixture
def store(tmp_path) -> Path:
    path = tmp_path / "capture.db"
    Ledger(path).close()
    return path


def test_another_pc_logs_in_with_the_shared_password(tmp_path, store):
    secret = tmp_path / "desk-password"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    port = free_port()
    desk = review("--store", store, "--host", "0.0.0.0", "--port", port, "--password-file", secret)
    base = f"http://{lan_address()}:{port}"
    try:
        wait_until_up(desk, base + "/login")
        with httpx.Client(base_url=base) as client:
            first = client.get("/")
            assert first.status_code == 303 and first.headers["location"] == "/login"
            assert client.post("/record/x/decide", data={"action": "accept"}).status_code == 401
            login = client.get("/login")
            assert login.status_code == 200 and "口令" in login.text and 'type="password"' in login.text

            wrong = client.post("/login", data={"password": "guess-guess"})
            assert wrong.status_code == 401 and "口令不对" in wrong.text and not client.cookies

            right = client.post("/login", data={"password": PASSWORD})
            assert right.status_code == 303 and right.headers["location"] == "/"
            cookie = right.headers["set-cookie"]
            assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
            assert PASSWORD not in cookie
            queue = client.get("/")
            assert queue.status_code == 200 and "张待复核" in queue.text and 'id="logout"' in queue.text

            client.get("/logout")
            assert client.get("/").status_code == 303  # the session ends with the logout
        with httpx.Client(base_url=base, cookies={"capture_desk": "forged"}) as stranger:
            assert stranger.get("/").status_code == 303
    finally:
        desk.send_signal(signal.SIGINT)
        desk.wait(30)


def test_the_password_may_come_from_the_environment_and_must_not_be_short(tmp_path, store):
    port = free_port()
    desk = review("--store", store, "--host", "0.0.0.0", "--port", port, env={"CAPTURE_REVIEW_PASSWORD": PASSWORD})
    base = f"http://{lan_address()}:{port}"
    try:
        wait_until_up(desk, base + "/login")
        with httpx.Client(base_url=base) as client:
            assert client.post("/login", data={"password": PASSWORD}).status_code == 303
            assert client.get("/").status_code == 200
    finally:
        desk.send_signal(signal.SIGINT)
        desk.wait(30)
    short = review("--store", store, "--host", "0.0.0.0", "--port", free_port(), env={"CAPTURE_REVIEW_PASSWORD": "1234"})
    _, stderr = short.communicate(timeout=60)
    assert short.returncode == 2 and "至少 8 个字符" in stderr
    assert [line for line in stderr.splitlines() if line.startswith("error:")] == stderr.strip().splitlines()


def test_a_busy_port_is_one_clear_line_and_exit_2(store):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        busy = review("--store", store, "--port", port)
        _, stderr = busy.communicate(timeout=60)
    assert busy.returncode == 2
    assert stderr.strip().splitlines() == [f"error: 端口 {port} 已被占用，请用 --port 换一个 (port {port} on 127.0.0.1 is in use: "
                                           "another desk or program listens there; choose another with --port)"]


def test_an_unknown_language_is_a_usage_error(store):
    done = subprocess.run([sys.executable, "-m", "capture.cli", "review", "--store", store, "--lang", "fr"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "unknown --lang fr" in done.stderr


def test_the_password_is_kept_only_as_a_salted_scrypt_hash():
    gate = Gate(PASSWORD)
    assert PASSWORD not in repr(vars(gate)) and len(vars(gate)["_hash"]) == 32
    assert Gate(PASSWORD)._hash != gate._hash  # salted
    assert asyncio.run(gate.log_in("nope-nope")) is None
    session = asyncio.run(gate.log_in(PASSWORD))
    assert session and gate.admits(session) and not gate.admits(session[:-1] + "x") and not gate.admits(None)
    gate.log_out(session)
    assert not gate.admits(session)
    assert read_password(None, None) is None and read_password(None, f" {PASSWORD} ") == PASSWORD
