"""The shapes of a batch's files an integrator reads, as Pydantic models: import.json (the
records to import) and report.json (what the run did). `capture schema --what import|report`
prints their JSON Schemas; the models validate real files in the tests."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from capture.contract.record import Record

IMPORT_SCHEMA_ID = "capture.import/1"
REPORT_SCHEMA_ID = "capture.report/1"


class ImportBatch(BaseModel):
    """import.json: the `ready` records of one batch, to import exactly once (by `run_id`)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, serialize_by_alias=True)

    schema_: Literal["capture.import/1"] = Field(IMPORT_SCHEMA_ID, alias="schema")
    run_id: str = Field(description="the batch's id: import each batch once")
    count: int = Field(ge=0, description="how many records")
    records: list[Record]


class FileError(BaseModel):
    """A file that could not be read, and why (one line)."""

    model_config = ConfigDict(extra="forbid")

    file: str
    error: str


class KindSeconds(BaseModel):
    model_config = ConfigDict(extra="forbid")

    files: int
    seconds: float


class Timings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    wall_seconds: float
    stage_seconds: dict[str, float] = Field(description="seconds per stage, summed over the files")
    seconds_by_kind: dict[str, KindSeconds] = Field(description="files and seconds per file kind")


class Move(BaseModel):
    """Where `watch` moved a file (processed/, review/ or failed/)."""

    model_config = ConfigDict(extra="forbid")

    file: str
    to: str


class Report(BaseModel):
    """report.json: counts by status and file kind, per-file errors, time per stage and kind."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, serialize_by_alias=True)

    schema_: Literal["capture.report/1"] = Field(REPORT_SCHEMA_ID, alias="schema")
    run_id: str
    files: int = Field(ge=0, description="files given, the skipped ones included")
    files_read: int = Field(ge=0, description="files read in this batch (failed ones included)")
    skipped_already_processed: int = Field(ge=0, description="files skipped: their content was processed before")
    invoices: int = Field(ge=0)
    by_status: dict[Literal["ready", "review", "duplicate", "rejected"], int]
    by_file_kind: dict[str, int]
    errors: list[FileError]
    timings: Timings
    moves: list[Move] | None = Field(None, description="watch only: where each file went")


def output_json_schema(what: Literal["import", "report"]) -> dict:
    """The JSON Schema of import.json or report.json."""
    model, schema_id = (ImportBatch, IMPORT_SCHEMA_ID) if what == "import" else (Report, REPORT_SCHEMA_ID)
    schema = model.model_json_schema(by_alias=True)
    schema["$id"] = schema_id
    schema["title"] = f"capture {what}.json"
    return schema
