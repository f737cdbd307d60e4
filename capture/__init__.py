"""capture: Chinese VAT invoices (发票) into verified back-entry (补录) records.

The Python API (README, "Python API"), capture/api.py behind it: `capture.read(path) ->
list[Record]`, `capture.run(inputs, ledger=…, out=…) -> BatchResult`, `Record.to_json()`,
`capture.__version__`. `import capture` stays light (the worker processes import it): the API's
modules load on first call.
"""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

# The read stage is a subpackage named like the API's `read`: loaded first, so its import binds
# `capture.read` now and the function below takes the name for good.
import_module("capture.read")

if TYPE_CHECKING:
    from capture.contract.record import Record
    from capture.pipeline import BatchResult

try:
    __version__ = version("capture")
except PackageNotFoundError:  # a source tree that is not installed
    __version__ = "0+unknown"

__all__ = ["BatchResult", "InputError", "Record", "UsageError", "__version__", "read", "run"]


def read(path: Any) -> list[Record]:  # noqa: F811 - replaces the subpackage's binding on purpose
    """The invoices of one file, read and checked (capture/api.py `read`)."""
    return import_module("capture.api").read(path)


def run(inputs: Any, ledger: Any = None, out: Any = None, **options: Any) -> BatchResult:
    """`capture run` as a function (capture/api.py `run`)."""
    return import_module("capture.api").run(inputs, ledger, out, **options)


_NAMES = {"BatchResult": "capture.pipeline", "Record": "capture.contract.record",
          "InputError": "capture.errors", "UsageError": "capture.errors"}


def __getattr__(name: str) -> object:
    if name in _NAMES:
        return getattr(import_module(_NAMES[name]), name)
    raise AttributeError(f"module 'capture' has no attribute {name!r}")
