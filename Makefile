# Workshop Bot: `make run` starts the bot, `make test` runs every check (ruff, pyright, hadolint, pytest).
# Both create .venv on first use (Python 3.11+ and the network to PyPI are all they need).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: run test lint bench install clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Workshop Bot needs Python 3.11 or newer (found: $$($(PYTHON) --version))"; exit 1; }
	@echo "Setting up $(VENV) (first run only)..."
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/workshop-bot run $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/pyright
	$(BIN)/hadolint Dockerfile

test: lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python bench/router_bench.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
