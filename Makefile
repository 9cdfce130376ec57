# pia: two commands set everything up from a fresh clone.
#   make report   -> reports/ice-irs.pdf; installs only what the report needs
#   make test     -> tests, ruff (lint + format), mypy --strict, import-linter contracts; also
#                    installs what only the tests need (dev tools, poppler, Chromium + driver)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
REPORT_STAMP := $(VENV)/.report-stamp
DEV_STAMP    := $(VENV)/.dev-stamp

.PHONY: help setup setup-report system system-report test lint typecheck pytest report reports \
	bench schemas clean

help:
	@echo "make report  - set up what the report needs and render reports/ice-irs.pdf"
	@echo "make test    - set up what the tests need too and run tests, ruff, mypy, contracts"

system-report:
	@tools/system-deps.sh report

system:
	@tools/system-deps.sh test

$(BIN)/python:
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip

# pia and its runtime dependencies only.
$(REPORT_STAMP): pyproject.toml | $(BIN)/python
	@$(BIN)/python -m pip install --quiet -e .
	@touch $(REPORT_STAMP)

# pia with the dev extra: pytest, hypothesis, jsonschema, selenium, ruff, mypy, import-linter.
$(DEV_STAMP): pyproject.toml | $(BIN)/python
	@$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(DEV_STAMP) $(REPORT_STAMP)

setup-report: system-report $(REPORT_STAMP)

setup: system $(DEV_STAMP)

pytest: setup
	$(BIN)/pytest

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports

typecheck: setup
	$(BIN)/mypy src

test: pytest lint typecheck

report: setup-report
	$(BIN)/pia assess cases/ice-irs.yaml
	@echo "report written: $(CURDIR)/reports/ice-irs.pdf"

# Every shipped case, in every format (reports/ is committed so readers need no install).
reports: setup-report
	for case in cases/*.yaml; do $(BIN)/pia assess $$case --format pdf,html,json,md || exit 1; done

bench: setup-report
	$(BIN)/python bench/bench_validate.py
	$(BIN)/python bench/bench_assess.py
	$(BIN)/python bench/bench_report.py

schemas: setup-report
	$(BIN)/pia schema case --out schemas/case.schema.json
	$(BIN)/pia schema rubric --out schemas/rubric.schema.json
	$(BIN)/pia schema assessment --out schemas/assessment.schema.json

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis
