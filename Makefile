# Helhet: `make demo` and `make test` are all a new machine needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export HELHET_DEV ?= 1

$(BIN)/helhet: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(BIN)/helhet

.PHONY: install test
install: $(BIN)/helhet

test: install
	$(BIN)/pytest
