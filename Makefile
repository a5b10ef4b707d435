# Every target creates or reuses the local virtualenv in .venv; nothing relies on what was installed by hand.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-all lint bench bench-1m golden clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/coi index corpus
	$(BIN)/coi search 'LHBTIQ bescherming autoriteiten' --limit 3
	$(BIN)/coi search 'politieke gevangenen' --type kamervragen --from 2020 --limit 2
	@echo
	@echo "To search and read in a browser: $(BIN)/coi serve   (then open http://127.0.0.1:8765/; Ctrl-C stops it)"

test: lint
	$(BIN)/python -m pytest -q -m "not slow"

test-all: lint
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check coi tests benchmarks
	$(BIN)/mypy

# Regenerate golden parser output on purpose; review the diff before committing.
golden: $(STAMP)
	$(BIN)/python -m tests.regen_golden

bench: $(STAMP)
	$(BIN)/python benchmarks/pdf_bench.py
	$(BIN)/python benchmarks/run.py

# The same, adding a million passages (about an hour on 2 cores: the naive engine's faceted queries take minutes)
bench-1m: $(STAMP)
	$(BIN)/python benchmarks/run.py --sizes 10000,100000,1000000

clean:
	rm -rf $(VENV) index .pytest_cache
