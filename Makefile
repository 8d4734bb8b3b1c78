# Two commands: `make run` and `make test`. Everything else is set up on the way.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 5000
export FLASK_APP := service.app

.PHONY: run test test-postgres setup system-deps bench lint clean templates

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

system-deps:
	@bash scripts/system-deps.sh

setup: system-deps $(VENV)/.installed $(VENV)/lib/libframechunks.so

# The frame chunk cache (service/interpreter.py); without a C compiler the service is only slower.
$(VENV)/lib/libframechunks.so: service/native/frame_chunks.c $(VENV)/.installed
	cc -O2 -Wall -Werror -shared -fPIC -o $@ $< \
		|| echo "Sans compilateur C : le cache des blocs de pile n'est pas construit (rendus plus lents)."

# The address printed in the QR codes (demo documents included) follows PORT unless it is set.
run: setup
	$(VENV)/bin/flask init-db
	FLASK_PUBLIC_BASE_URL="$${FLASK_PUBLIC_BASE_URL:-http://127.0.0.1:$(PORT)}" \
		$(VENV)/bin/flask demo-data
	@echo ""
	@echo "Service prêt : http://127.0.0.1:$(PORT)"
	PORT=$(PORT) bash scripts/serve.sh

# The suite in parallel processes (pytest-xdist), a test file whole in one of them.
PYTEST_PARALLEL ?= -n auto --maxprocesses 4 --dist loadfile

test: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy service forms
	$(VENV)/bin/pytest $(PYTEST_PARALLEL)

# The suite again on PostgreSQL (TEST_DATABASE_URL), as .ci/run does after `make test`: the
# tests that open no database (pure rules, rendering, golden texts, the DOCX build) ran on the
# SQLite pass; this one runs everything that reads or writes the database.
test-postgres: setup
	@test -n "$(TEST_DATABASE_URL)" || { echo "TEST_DATABASE_URL is not set"; exit 2; }
	TEST_DATABASE_URL="$(TEST_DATABASE_URL)" $(VENV)/bin/pytest $(PYTEST_PARALLEL) -m "not browser" \
		--ignore=tests/unit --ignore=tests/golden \
		--ignore=tests/kinds/test_docx_templates_rebuild.py \
		--ignore=tests/kinds/test_consent_statements.py \
		--deselect "tests/kinds/test_kind_contract.py::test_sample_passes_preflight"

bench: setup
	@bash scripts/bench-deps.sh
	$(PY) -m bench

lint: setup
	$(VENV)/bin/ruff check .

# Rebuilds every doc_templates/*.docx from doc_templates/_build (reproducible: same bytes).
templates: setup
	$(PY) -m doc_templates._build

clean:
	rm -rf $(VENV) generated .pytest_cache
