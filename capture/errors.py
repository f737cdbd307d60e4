"""Errors a user can cause, each with a message that says what to do."""


class CaptureError(Exception):
    """Base of the errors `capture` reports per file or per command."""


class InputError(CaptureError):
    """A file cannot be read as an invoice document (the batch goes on)."""


class UsageError(CaptureError):
    """A command was called wrongly (bad path, bad option)."""
