"""Errors a user can cause, each with a message that says what to do."""


class CaptureError(Exception):
    """Base of the errors `capture` reports per file or per command."""


class InputError(CaptureError):
    """A file cannot be read as an invoice document (the batch goes on)."""


class UsageError(CaptureError):
    """A command was called wrongly (bad path, bad option)."""


class StoreBusy(UsageError):
    """Another process held the store longer than the bounded wait (exit 2)."""

    def __init__(self, store: object) -> None:
        super().__init__(
            f"存储正忙：另一个 capture 正在使用它，请等它结束后再运行 (the store is busy: another capture is "
            f"using it: {store}; run again when it ends)"
        )


class StoreError(UsageError):
    """The store cannot be written: the disk is full, an I/O error, a damaged file (exit 2)."""


class FileTooSlow(InputError):
    """A file took longer than the per-file wall-time limit (capture/intake/budget.py)."""
