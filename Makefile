# Every target bootstraps itself: installs uv with pip when missing, then syncs the locked environment.
SHELL := /bin/bash
UV := $(shell command -v uv 2>/dev/null || echo python3 -m uv)
RUN := $(UV) run --frozen

.PHONY: install demo test lint format bench uv extras structure

uv:
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet uv

install: uv
	@$(UV) sync --frozen --all-extras --quiet

demo: install
	$(RUN) python scripts/demo.py

test: install
	$(RUN) pytest -q

lint: install
	$(RUN) ruff check .
	$(RUN) ruff format --check .

format: install
	$(RUN) ruff check --fix .
	$(RUN) ruff format .

bench: install
	$(RUN) python bench/run.py

extras: install
	$(RUN) python scripts/extras_smoke.py

structure: install
	$(RUN) python scripts/structure_report.py
