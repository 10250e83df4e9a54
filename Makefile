# The two commands of the README: `make demo` and `make test`, on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test test-fast chromium bench clean

# Reinstall when the project's dependencies change.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[test,explore]"
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/govwatch demo

# The suite on every core, one worker more than cores: crawl tests wait on their portal
# and subprocesses (8m22 at 3 workers against 10m07 at 2 on 2 cores). Test files are dealt
# out whole (--dist loadfile), so a module's crawl fixture runs once; the session crawl
# runs once per worker. The twelve slowest tests are named at the end of every run.
JOBS ?= $(shell $(PYTHON) -c 'import os; print((os.cpu_count() or 1) + 1)')
test: chromium $(STAMP)
	$(PY) -m pytest -n $(JOBS) --dist loadfile --durations=12

# The fast tier: no crawl, server, browser or subprocess (tests marked slow are left out).
test-fast: $(STAMP)
	$(PY) -m pytest -m "not slow"

# The report's browser test needs Chromium: installed when missing and this user may,
# checked first so a machine without it stops before the virtualenv is built.
chromium:
	@scripts/ensure-chromium

bench: $(STAMP)
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) govwatch-demo.db* .pytest_cache
