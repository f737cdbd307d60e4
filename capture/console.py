"""What a run tells people and machines: log lines (plain or JSON) and a progress bar.

Logs go to standard error; `--json-logs` makes each line one JSON object with an `event` field.
The Rich progress bar shows only on a terminal and never with JSON logs.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import sys
from collections.abc import Callable, Iterator

LOGGER = logging.getLogger("capture")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, event, message and the event's fields."""

    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "event": getattr(record, "event", "message"),
            "message": record.getMessage(),
        }
        data.update(getattr(record, "fields", {}))
        return json.dumps(data, ensure_ascii=False, default=str)


_JSON = {"on": False}


def json_logging() -> bool:
    """Whether logs are JSON lines (then nothing else may be written to standard error)."""
    return _JSON["on"]


def setup_logging(json_logs: bool) -> None:
    """Log INFO and up to standard error, as JSON lines or as plain text."""
    _JSON["on"] = json_logs
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if json_logs else logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
    LOGGER.handlers[:] = [handler]
    LOGGER.setLevel(logging.INFO)
    LOGGER.propagate = False


def log(event: str, message: str, level: int = logging.INFO, **fields: object) -> None:
    """Log an event with machine-readable fields (shown in JSON logs)."""
    LOGGER.log(level, message, extra={"event": event, "fields": fields})


def say(message: str, event: str = "message", level: int = logging.INFO, **fields: object) -> None:
    """A line for the person at standard error: plain text, or one JSON log line with --json-logs."""
    if json_logging():
        log(event, message, level, **fields)
    else:
        print(message, file=sys.stderr)


@contextlib.contextmanager
def progress_bar(total: int, enabled: bool, label: str = "reading") -> Iterator[Callable[[object], None]]:
    """A callback that advances a Rich progress bar by one file; a no-op when not enabled, not
    on a terminal, or for fewer than two files."""
    if not enabled or total < 2 or not sys.stderr.isatty():
        yield lambda _result: None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda _result: bar.advance(task)
