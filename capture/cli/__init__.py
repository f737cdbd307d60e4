"""The `capture` command line: one module per group of commands, attached to one app."""

from __future__ import annotations

import logging
import sys
from typing import NoReturn

from capture.cli import batch, desk, export, ledger, operations, platform, settings, tools  # noqa: F401 - importing attaches the commands
from capture.cli.app import app
from capture.cli.options import EXIT_INTERNAL, EXIT_USAGE
from capture.console import json_logging, log
from capture.errors import UsageError

__all__ = ["app", "main"]


def main() -> None:
    """Entry point that turns unexpected exceptions into exit code 3."""
    try:
        app(prog_name="capture")
    except SystemExit:
        raise
    except UsageError as error:  # a busy store, a full disk: one line, exit 2
        _say_error(f"error: {error}", EXIT_USAGE)
    except Exception as error:  # noqa: BLE001 - last line of defence, reported plainly
        _say_error(f"internal error: {error!r}", EXIT_INTERNAL)


def _say_error(line: str, code: int) -> NoReturn:
    """The one line an error ends with: plain, or a JSON log line at level error (--json-logs)."""
    if json_logging():
        log("error", line, logging.ERROR, exit_code=code)
    else:
        print(line, file=sys.stderr)
    sys.exit(code)
