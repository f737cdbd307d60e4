# Two commands for a new user: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench eval clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

## demo: install, then process the committed sample inbox against its register
demo: $(STAMP)
	rm -rf demo-out
	$(BIN)/capture run fixtures/inbox --ledger fixtures/register.csv --out demo-out --store demo-out/capture.db; \
	  code=$$?; test $$code -le 1 || exit $$code
	@echo "records: demo-out/records.jsonl  import batch: demo-out/import.json  report: demo-out/report.json"

## test: install, lint, run the test suite
test: $(STAMP)
	$(BIN)/ruff check capture tests fixtures benchmarks
	$(BIN)/pytest

## bench: throughput and where the time goes (not a test)
bench: $(STAMP)
	$(BIN)/python -m benchmarks.text_layer

## eval: 300 freshly generated invoices (new seed), scored field by field
SEED ?= $(shell date +%s)
eval: $(STAMP)
	rm -rf eval && $(BIN)/python -m fixtures.generate --out eval/inbox --count 300 --seed $(SEED)
	$(BIN)/capture run eval/inbox --out eval/out --store eval/capture.db; test $$? -le 1
	$(BIN)/capture eval eval/inbox --records eval/out/records.jsonl --json eval/scores.json

clean:
	rm -rf $(VENV) demo-out eval .pytest_cache
