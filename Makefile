# qltimer: the two commands in the README are `make run` and `make test`. Each installs what is
# missing (system packages, a virtual environment in .venv/, the package) and then does its job.
PYTHON ?= python3
VENV   ?= .venv
VPY    := $(VENV)/bin/python
STAMP  := $(VENV)/.qltimer-installed
# `make run` says once that `qltimer --install-desktop` puts qltimer in the application menu.
APP_ID := io.github.qltimer.qltimer
DESKTOP_OFFERED := $(VENV)/.desktop-offered

.PHONY: run test check fast lint typecheck pytest bench wheel system-deps system-deps-test venv clean \
	desktop-offer

run: system-deps $(STAMP)
	@$(MAKE) --no-print-directory desktop-offer
	$(VENV)/bin/qltimer

# One line, once per virtual environment, and only while the menu entry is not installed.
desktop-offer:
	@if [ ! -e "$${XDG_DATA_HOME:-$$HOME/.local/share}/applications/$(APP_ID).desktop" ] \
	    && [ ! -e "$(DESKTOP_OFFERED)" ]; then \
	    echo 'qltimer is not in your application menu yet: run `$(VENV)/bin/qltimer --install-desktop` to add it.'; \
	    touch "$(DESKTOP_OFFERED)" 2>/dev/null || true; \
	fi

test: system-deps-test $(STAMP)
	$(MAKE) --no-print-directory lint typecheck pytest

# The quick loop while changing code: lint, types, the layers contract and every test not marked
# slow (the real-time and real-process ones). Needs `make test` (or `make venv`) to have run once.
check: $(STAMP)
	$(MAKE) --no-print-directory lint typecheck fast

fast: $(STAMP)
	$(VPY) -m pytest -q -m "not slow" -n auto $(PYTEST_ARGS)

system-deps:
	PYTHON=$(PYTHON) sh scripts/system-deps.sh

system-deps-test:
	PYTHON=$(PYTHON) sh scripts/system-deps.sh --test

# Reinstall when the project's declared dependencies change.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install --quiet --upgrade pip
	$(VPY) -m pip install --quiet -e '.[test,camera]'
	touch $(STAMP)

venv: $(STAMP)

lint: $(STAMP)
	$(VENV)/bin/ruff check qltimer tests bench scripts
	$(VENV)/bin/ruff format --check qltimer tests bench scripts
	$(VENV)/bin/lint-imports --no-logo --no-cache

typecheck: $(STAMP)
	$(VENV)/bin/mypy

pytest: $(STAMP)
	$(VPY) -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(VPY) bench/run_all.py

wheel: $(STAMP)
	$(VPY) -m pip wheel --no-deps --quiet -w dist .

clean:
	rm -rf dist build .pytest_cache .mypy_cache .ruff_cache
