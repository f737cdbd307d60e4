"""Alerts: what is wrong with the drop folder now, told once when it starts and once when it clears.

Conditions (each a key; a key fires once, then resolves once when it is gone):
  file_failed:<name>   a file failed in this run and is still in failed/
  review_backlog       more records in review than the threshold
  file_waiting         a file has waited in the inbox longer than N minutes
  no_batch             no batch for N minutes while files wait
  store_not_writable   the store does not take writes
  disk_full:<folder>   the file system of the store, the share or the backups is nearly full

Each message is one line, Chinese then English. They go to the log (event `alert`), to
`--on-alert COMMAND` (run by the shell; the alert as JSON on standard input and in
CAPTURE_ALERT_* variables) and to `--alert-webhook URL` (POSTed as JSON).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import subprocess
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

from capture.console import log
from capture.watch.snapshot import Snapshot


@dataclass(frozen=True)
class Thresholds:
    review_backlog: int = 50  # records in review
    waiting_minutes: float = 30.0  # a file waiting longer than this
    no_batch_minutes: float = 30.0  # no batch for this long while files wait
    disk_free_percent: float = 5.0  # free space below this share of the disk


@dataclass(frozen=True)
class Condition:
    """Something wrong now: its kind and its message in both languages."""

    kind: str
    zh: str
    en: str


@dataclass(frozen=True)
class Alert:
    """A condition that started (`firing`) or cleared (`resolved`)."""

    key: str
    kind: str
    state: str
    message_zh: str
    message_en: str
    at: str

    @property
    def message(self) -> str:
        return f"{self.message_zh} | {self.message_en}"

    def as_dict(self) -> dict:
        return {"schema": "capture.alert/1", "key": self.key, "kind": self.kind, "state": self.state,
                "message": self.message, "message_zh": self.message_zh, "message_en": self.message_en,
                "at": self.at, "host": socket.gethostname()}


def conditions(snapshot: Snapshot, limits: Thresholds) -> dict[str, Condition]:
    """What is wrong in a snapshot, by key."""
    found: dict[str, Condition] = {}
    for name, error in sorted(snapshot.failed.items()):
        found[f"file_failed:{name}"] = Condition(
            "file_failed", f"文件无法读取，已移至 failed/：{name}（{error}）", f"a file could not be read and went to failed/: {name} ({error})")
    if snapshot.review_backlog > limits.review_backlog:
        found["review_backlog"] = Condition(
            "review_backlog", f"待复核积压 {snapshot.review_backlog} 条，超过 {limits.review_backlog} 条",
            f"{snapshot.review_backlog} records wait in review, more than {limits.review_backlog}")
    waiting = snapshot.waiting
    if waiting.count and waiting.oldest_seconds > limits.waiting_minutes * 60:
        minutes = waiting.oldest_seconds / 60
        found["file_waiting"] = Condition(
            "file_waiting", f"收件箱文件等待已 {minutes:.0f} 分钟（超过 {limits.waiting_minutes:g} 分钟）：{waiting.oldest}",
            f"a file has waited {minutes:.0f} minutes in the inbox (over {limits.waiting_minutes:g}): {waiting.oldest}")
    quiet = snapshot.now - snapshot.quiet_since
    if snapshot.unread and quiet > limits.no_batch_minutes * 60:
        found["no_batch"] = Condition(
            "no_batch", f"已 {quiet / 60:.0f} 分钟没有完成批次，收件箱仍有 {snapshot.unread} 个文件等待读取",
            f"no batch for {quiet / 60:.0f} minutes while {snapshot.unread} files wait in the inbox")
    if snapshot.store_problem:
        found["store_not_writable"] = Condition(
            "store_not_writable", f"台账库无法写入：{snapshot.store_problem}", f"the store is not writable: {snapshot.store_problem}")
    for disk in snapshot.disks:
        if disk.free_fraction * 100 < limits.disk_free_percent:
            free = f"{disk.free_bytes / 2**30:.1f} GiB, {disk.free_fraction:.1%}"
            found[f"disk_full:{disk.path}"] = Condition(
                "disk_full", f"磁盘将满：{disk.path} 仅剩 {free}", f"disk nearly full: {disk.path} has {free} free")
    return found


class Alerter:
    """Fires a condition once when it appears and resolves it once when it is gone."""

    def __init__(self, notifiers: list[Callable[[Alert], None]], clock: Callable[[], float]) -> None:
        self.notifiers, self.clock = notifiers, clock
        self.active: dict[str, Condition] = {}

    def update(self, now_wrong: dict[str, Condition]) -> list[Alert]:
        """Tell what started and what cleared since the last update; returns those alerts."""
        at = dt.datetime.fromtimestamp(self.clock(), dt.UTC).isoformat(timespec="seconds")
        alerts = [Alert(key, c.kind, "firing", c.zh, c.en, at) for key, c in now_wrong.items() if key not in self.active]
        alerts += [
            Alert(key, c.kind, "resolved", f"已恢复：{c.zh}", f"resolved: {c.en}", at)
            for key, c in self.active.items() if key not in now_wrong
        ]
        self.active = dict(now_wrong)
        for alert in alerts:
            log("alert", alert.message, key=alert.key, kind=alert.kind, state=alert.state)
            for notify in self.notifiers:
                notify(alert)
        return alerts


def command_notifier(command: str, timeout: float = 60.0) -> Callable[[Alert], None]:
    """Runs `command` through the shell for each alert: JSON on standard input, and
    CAPTURE_ALERT_STATE / _KIND / _KEY / _MESSAGE in the environment."""

    def notify(alert: Alert) -> None:
        env = os.environ | {"CAPTURE_ALERT_STATE": alert.state, "CAPTURE_ALERT_KIND": alert.kind,
                            "CAPTURE_ALERT_KEY": alert.key, "CAPTURE_ALERT_MESSAGE": alert.message}
        try:
            done = subprocess.run(command, shell=True, input=json.dumps(alert.as_dict(), ensure_ascii=False),
                                  text=True, env=env, timeout=timeout, capture_output=True)
        except (OSError, subprocess.TimeoutExpired) as error:
            log("alert_failed", f"--on-alert command failed: {error}", key=alert.key)
            return
        if done.returncode != 0:
            detail = (done.stderr.strip().splitlines() or [""])[-1]
            log("alert_failed", f"--on-alert command exited {done.returncode}: {detail}", key=alert.key)

    return notify


def webhook_notifier(url: str, timeout: float = 10.0) -> Callable[[Alert], None]:
    """POSTs each alert as JSON (UTF-8) to url."""

    def notify(alert: Alert) -> None:
        body = json.dumps(alert.as_dict(), ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(url, data=body, method="POST",
                                         headers={"Content-Type": "application/json; charset=utf-8"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - the user's URL
                response.read()
        except (OSError, ValueError) as error:
            log("alert_failed", f"--alert-webhook {url} failed: {error}", key=alert.key)

    return notify
