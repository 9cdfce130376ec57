# pia: two commands set everything up from a fresh clone.
#   make report   -> reports/ice-irs.pdf
#   make test     -> tests, ruff (lint + format), mypy --strict, import-linter contracts
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: help setup system test lint typecheck pytest report reports bench schemas clean

help:
	@echo "make report  - set up and render reports/ice-irs.pdf"
	@echo "make test    - set up and run tests, ruff and mypy"

system:
	@tools/system-deps.sh

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

setup: system $(STAMP)

pytest: setup
	$(BIN)/pytest

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports

typecheck: setup
	$(BIN)/mypy src

test: pytest lint typecheck

report: setup
	$(BIN)/pia assess cases/ice-irs.yaml
	@echo "report written: $(CURDIR)/reports/ice-irs.pdf"

# Every shipped case, in every format (reports/ is committed so readers need no install).
reports: setup
	for case in cases/*.yaml; do $(BIN)/pia assess $$case --format pdf,html,json,md || exit 1; done

bench: setup
	$(BIN)/python bench/bench_validate.py
	$(BIN)/python bench/bench_assess.py
	$(BIN)/python bench/bench_report.py

schemas: setup
	$(BIN)/pia schema case --out schemas/case.schema.json
	$(BIN)/pia schema rubric --out schemas/rubric.schema.json
	$(BIN)/pia schema assessment --out schemas/assessment.schema.json

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis
