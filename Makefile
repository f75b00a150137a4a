# trustlane: `make demo` runs the demo server, `make test` runs every check. Nothing else needed.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PYTHON ?= python3

.PHONY: demo test lint types unit unit-sqlite unit-postgres serve clean lock

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check uv
	$(VENV)/bin/uv pip install --quiet --python $(PY) -r requirements.lock
	$(VENV)/bin/uv pip install --quiet --python $(PY) --no-deps -e .
	touch $(STAMP)

demo: $(STAMP)  ## generate demo data into the SQLite default and serve on 127.0.0.1:8000
	$(VENV)/bin/trustlane demo

test: lint types unit  ## ruff, mypy --strict, and the test suite on SQLite and PostgreSQL

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks

types: $(STAMP)
	$(VENV)/bin/mypy

unit: unit-sqlite unit-postgres

unit-sqlite: $(STAMP)
	.ci/ensure-chromium
	TRUSTLANE_TEST_DB=sqlite $(PY) -m pytest -n auto

unit-postgres: $(STAMP)
	.ci/ensure-postgres
	TRUSTLANE_TEST_DB=postgresql $(PY) -m pytest -n auto -m "db and not browser"

lock:  ## refresh requirements.lock from pyproject.toml
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --python $(PY) --quiet -o requirements.lock

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
