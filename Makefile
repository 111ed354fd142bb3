# Every target bootstraps itself: installs uv with pip when missing, then syncs the locked environment.
SHELL := /bin/bash
UV := $(shell command -v uv 2>/dev/null || echo "$(HOME)/.local/bin/uv")
RUN := $(UV) run --frozen

.PHONY: install demo test lint format bench

$(UV):
	python3 -m pip install --user --quiet uv || python3 -m pip install --quiet uv

install: $(UV)
	$(UV) sync --frozen --all-extras

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
