# The workshop's commands. Two matter on a fresh machine: `make lab` and `make test`.
# Everything runs inside .venv, which the first command creates (uv when it installs, pip otherwise).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
PG_URL ?= postgresql://postgres@127.0.0.1:5432/postgres
export NO_MKDOCS_2_WARNING := 1
# Jupyter refuses to run as root unless told; containers and CI machines often are root.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root,)

.DEFAULT_GOAL := help
.PHONY: help setup db lab serve test test-fast test-postgresql lint format notebooks grade doctor bench profile docs docs-serve clean

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

$(STAMP): requirements.txt requirements-app.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; found " + sys.version.split()[0])'
	@test -x $(PY) || { echo "==> Creating $(VENV)"; $(PYTHON) -m venv $(VENV); }
	@echo "==> Installing the workshop's packages (requirements.txt)"
	@if $(BIN)/pip install --quiet --disable-pip-version-check uv 2>/dev/null; then \
		$(BIN)/uv pip install --python $(PY) -r requirements.txt; \
	else \
		echo "    (uv unavailable: using pip, slower)"; \
		$(BIN)/pip install --disable-pip-version-check --progress-bar on -r requirements.txt; \
	fi
	@touch $(STAMP)

setup: $(STAMP) ## Create .venv and install everything

db: setup ## Migrate and seed the workshop database (SQLite under var/ unless DATABASE_URL is set)
	$(PY) manage.py migrate --no-input -v 0
	$(PY) manage.py seed

lab: db ## Open the workshop in JupyterLab (lessons in notebooks/, your exercises in exercises/)
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 $(ALLOW_ROOT) notebooks/00_welcome.ipynb

serve: db ## Run the API and admin on http://127.0.0.1:8000 (reloads on change)
	$(BIN)/uvicorn app.main:app --host 127.0.0.1 --port 8000 --reload

doctor: setup ## Check this machine is ready for the workshop
	$(PY) -m workshop.doctor

lint: setup ## ruff check + format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: setup ## Fix what ruff can fix
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: db ## Run every test (lint, app, notebooks, grader, site)
	$(MAKE) --no-print-directory lint
	$(PY) -m workshop.doctor
	$(BIN)/pytest tests
	$(MAKE) --no-print-directory notebooks
	$(MAKE) --no-print-directory docs

test-postgresql: setup ## The app's suite against PostgreSQL (PG_URL=...), and lesson 07
	DATABASE_URL=$(PG_URL) $(BIN)/pytest tests/app tests/hardening
	$(MAKE) --no-print-directory notebook-postgresql

NBVAL = $(BIN)/pytest -p no:django --nbval --nbval-current-env --nbval-sanitize-with workshop/nbval_sanitize.cfg
POSTGRESQL_LESSON := notebooks/07_connections_and_transactions.ipynb

notebooks: setup ## Execute every notebook and compare with its stored outputs (strict nbval)
	$(NBVAL) --ignore=$(POSTGRESQL_LESSON) notebooks
	$(MAKE) --no-print-directory notebook-postgresql

.PHONY: notebook-postgresql
notebook-postgresql: setup ## Lesson 07, whose stored outputs are PostgreSQL's (skipped without one, except under CI)
	@if $(PY) -c "import sys, psycopg; psycopg.connect(sys.argv[1], connect_timeout=2).close()" "$(PG_URL)" 2>/dev/null; then \
		DATABASE_URL=$(PG_URL) $(NBVAL) $(POSTGRESQL_LESSON); \
	elif [ "$$CI" = "true" ]; then \
		echo "CI requires PostgreSQL at $(PG_URL) for $(POSTGRESQL_LESSON)"; exit 1; \
	else \
		echo "skipped $(POSTGRESQL_LESSON): no PostgreSQL at $(PG_URL) (its stored outputs are PostgreSQL's)"; \
	fi

grade: setup ## Check your exercises (ONLY=ex03 for one; TARGET=solutions, or a folder: graded sandboxed)
	$(PY) -m workshop.grading $(or $(TARGET),exercises) $(foreach only,$(ONLY),--only $(only))

bench: setup ## "Is it worth it?": benchmark every way to serve the ORM
	$(PY) -m bench

profile: setup ## Where the app's CPU goes under load, every thread sampled (py-spy)
	$(PY) -m bench.profile

docs: setup ## Build the site into build/site (strict)
	$(BIN)/mkdocs build --strict

docs-serve: setup ## Preview the site on http://127.0.0.1:8001
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8001

clean: ## Remove the environment, databases and built output
	rm -rf $(VENV) var build .pytest_cache .ruff_cache

.PHONY: grade-class gradescope
gradescope: setup ## Build build/gradescope/autograder.zip (upload it as a Gradescope autograder)
	$(PY) -m workshop.grading.gradescope build build/gradescope

grade-class: setup ## Grade a class: CLASS=folder with one folder per learner (OUT=build/grades)
	@test -n "$(CLASS)" || { echo "usage: make grade-class CLASS=path/to/class [OUT=build/grades] [TIME_LIMIT=60] [JOBS=2]"; exit 2; }
	$(PY) -m workshop.grading $(CLASS) --out $(or $(OUT),build/grades) $(if $(TIME_LIMIT),--time-limit $(TIME_LIMIT),) $(if $(JOBS),--jobs $(JOBS),)
