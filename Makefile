# The workshop's commands. Two matter on a fresh machine: `make lab` and `make test`.
# Everything runs inside .venv, which the first command creates (uv when it installs, pip otherwise).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PG_URL ?= postgresql://postgres@127.0.0.1:5432/postgres
export NO_MKDOCS_2_WARNING := 1
# Jupyter refuses to run as root unless told; containers and CI machines often are root.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root,)
# Contributors and CI check everything (STRICT=1, or CI set): lint of exercises/, the lessons as they
# are in the working tree. An attendee's `make test` leaves out what their own day changes: their
# exercises' style, and the lessons JupyterLab saved (those are checked as committed, from git).
STRICT ?= $(if $(filter-out 0 false no,$(CI)),1,)

.DEFAULT_GOAL := help
.PHONY: help setup db lab serve test check test-postgresql lint format notebooks grade doctor bench profile docs docs-serve clean

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

# One stamp per set of packages (requirements-<set>.txt); each command depends on the set it needs,
# so `make lab` downloads only the lessons' packages and `make test` adds its own on first use.
$(VENV)/.created:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; found " + sys.version.split()[0])'
	@test -x $(PY) || { echo "==> Creating $(VENV)"; $(PYTHON) -m venv $(VENV); }
	@$(BIN)/pip install --quiet --disable-pip-version-check uv 2>/dev/null \
		|| echo "    (uv unavailable: using pip, slower)"
	@touch $@

$(VENV)/.installed-%: requirements-%.txt requirements-app.txt requirements-lab.txt pyproject.toml | $(VENV)/.created
	@echo "==> Installing requirements-$*.txt"
	@if test -x $(BIN)/uv; then \
		$(BIN)/uv pip install --python $(PY) -r requirements-$*.txt; \
	else \
		$(BIN)/pip install --disable-pip-version-check --progress-bar on -r requirements-$*.txt; \
	fi
	@touch $@

$(VENV)/.installed-dev: requirements-docs.txt requirements-bench.txt

LAB_SET := $(VENV)/.installed-lab
DEV_SET := $(VENV)/.installed-dev
DOCS_SET := $(VENV)/.installed-docs
BENCH_SET := $(VENV)/.installed-bench

setup: $(LAB_SET) ## Create .venv and install what the lessons need (test, docs, bench add their own)

db: setup ## Migrate and seed the workshop database (SQLite under var/ unless DATABASE_URL is set)
	$(PY) manage.py migrate --no-input -v 0
	$(PY) manage.py seed

lab: db ## Open the workshop in JupyterLab on lesson 00 (lessons in notebooks/, your exercises in exercises/)
	$(BIN)/jupyter lab --config=workshop/jupyter/jupyter_lab_config.py $(ALLOW_ROOT)

serve: db ## Run the API and admin on http://127.0.0.1:8000 (reloads on change)
	$(BIN)/uvicorn app.main:app --host 127.0.0.1 --port 8000 --reload

doctor: setup ## Check this machine is ready for the workshop
	$(PY) -m workshop.doctor

lint: $(DEV_SET) ## ruff check + format check + mypy (exercises/ too when STRICT=1 or CI is set)
	$(BIN)/ruff check $(if $(STRICT),,--extend-exclude exercises) .
	$(BIN)/ruff format --check $(if $(STRICT),,--extend-exclude exercises) .
	$(BIN)/mypy

format: $(DEV_SET) ## Fix what ruff can fix
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: $(DEV_SET) db ## Run every test (lint, app, notebooks, grader, site); passes after your workshop day too
	$(MAKE) --no-print-directory lint
	$(PY) -m workshop.doctor --skip ports
	@lessons=$$($(PY) -m workshop.committed_lessons $(if $(STRICT),--strict,)) && \
	echo "==> Lessons checked: $$lessons/" && \
	WORKSHOP_LESSONS=$$lessons $(BIN)/pytest tests && \
	$(MAKE) --no-print-directory notebooks WORKSHOP_LESSONS=$$lessons && \
	$(MAKE) --no-print-directory docs WORKSHOP_LESSONS=$$lessons

check: ## Contributors: make test with every check (lint of exercises/, lessons as in the working tree)
	$(MAKE) --no-print-directory test STRICT=1

test-postgresql: $(DEV_SET) ## The app's suite against PostgreSQL (PG_URL=...), and lesson 07
	DATABASE_URL=$(PG_URL) $(BIN)/pytest tests/app tests/hardening
	$(MAKE) --no-print-directory notebook-postgresql

NBVAL = $(BIN)/pytest -p no:django --nbval --nbval-current-env --nbval-sanitize-with workshop/nbval_sanitize.cfg
# The lessons nbval checks: the working tree's, or (after an attendee's day) the committed ones.
LESSONS = $(or $(WORKSHOP_LESSONS),notebooks)
POSTGRESQL_LESSON = $(LESSONS)/07_connections_and_transactions.ipynb

notebooks: $(DEV_SET) ## Execute every notebook and compare with its stored outputs (strict nbval)
	$(NBVAL) --ignore=$(POSTGRESQL_LESSON) $(LESSONS)
	$(MAKE) --no-print-directory notebook-postgresql

.PHONY: notebook-postgresql
notebook-postgresql: $(DEV_SET) ## Lesson 07, whose stored outputs are PostgreSQL's (skipped without one, except under CI)
	@if $(PY) -c "import sys, psycopg; psycopg.connect(sys.argv[1], connect_timeout=2).close()" "$(PG_URL)" 2>/dev/null; then \
		DATABASE_URL=$(PG_URL) $(NBVAL) $(POSTGRESQL_LESSON); \
	elif [ "$$CI" = "true" ]; then \
		echo "CI requires PostgreSQL at $(PG_URL) for $(POSTGRESQL_LESSON)"; exit 1; \
	else \
		echo "skipped $(POSTGRESQL_LESSON): no PostgreSQL at $(PG_URL) (its stored outputs are PostgreSQL's)"; \
	fi

grade: setup ## Check your exercises (ONLY=ex03 for one; TARGET=solutions, or a folder: graded sandboxed)
	$(PY) -m workshop.grading $(or $(TARGET),exercises) $(foreach only,$(ONLY),--only $(only))

bench: $(BENCH_SET) ## "Is it worth it?": benchmark every way to serve the ORM
	$(PY) -m bench

profile: $(BENCH_SET) ## Where the app's CPU goes under load, every thread sampled (py-spy)
	$(PY) -m bench.profile

docs: $(DOCS_SET) ## Build the site into build/site (strict)
	$(if $(WORKSHOP_LESSONS),WORKSHOP_LESSONS=$(WORKSHOP_LESSONS) ,)$(BIN)/mkdocs build --strict

docs-serve: $(DOCS_SET) ## Preview the site on http://127.0.0.1:8001
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8001

clean: ## Remove the environment, databases and built output
	rm -rf $(VENV) var build .pytest_cache .ruff_cache

.PHONY: grade-class gradescope
gradescope: setup ## Build build/gradescope/autograder.zip (upload it as a Gradescope autograder)
	$(PY) -m workshop.grading.gradescope build build/gradescope

grade-class: setup ## Grade a class: CLASS=folder with one folder per learner (OUT=build/grades)
	@test -n "$(CLASS)" || { echo "usage: make grade-class CLASS=path/to/class [OUT=build/grades] [TIME_LIMIT=60] [JOBS=2]"; exit 2; }
	$(PY) -m workshop.grading $(CLASS) --out $(or $(OUT),build/grades) $(if $(TIME_LIMIT),--time-limit $(TIME_LIMIT),) $(if $(JOBS),--jobs $(JOBS),)
