"""The `capture` command line: one module per group of commands, attached to one app."""

from __future__ import annotations

import sys

from capture.cli import batch, desk, export, ledger, operations, platform, settings, tools  # noqa: F401 - importing attaches the commands
from capture.cli.app import app
from capture.cli.options import EXIT_INTERNAL, EXIT_USAGE
from capture.errors import UsageError

__all__ = ["app", "main"]


def main() -> None:
    """Entry point that turns unexpected exceptions into exit code 3."""
    try:
        app()
    except SystemExit:
        raise
    except UsageError as error:  # a busy store, a full disk: one line, exit 2
        print(f"error: {error}", file=sys.stderr)
        sys.exit(EXIT_USAGE)
    except Exception as error:  # noqa: BLE001 - last line of defence, reported plainly
        print(f"internal error: {error!r}", file=sys.stderr)
        sys.exit(EXIT_INTERNAL)
