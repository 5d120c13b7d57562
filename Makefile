# The two commands: `make run` (the app on the embedded default) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml requirements.lock | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e ".[dev]"
	rm -f $(VENV)/.installed-*
	touch $@

# Debian packages the app needs: libcairo2 for PNG and PDF exports (installed when missing
# and root; otherwise the message says what to install).
define need_packages
	@missing=""; for pkg in $(1); do dpkg -s $$pkg >/dev/null 2>&1 || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else echo "Missing Debian packages:$$missing (as root: apt-get install$$missing)"; exit 1; fi; \
	fi
endef

run: $(STAMP)
	$(call need_packages,libcairo2 fonts-dejavu-core gettext)
	$(BIN)/python manage.py compilemessages --ignore=.venv -v 0
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo "Journeymap runs at http://$(HOST):$(PORT)/  (stop with Ctrl+C)"
	$(BIN)/daphne -b $(HOST) -p $(PORT) journeymap.asgi:application

test: $(STAMP)
	$(call need_packages,chromium poppler-utils libcairo2 fonts-dejavu-core gettext postgresql redis-server)
	$(BIN)/python manage.py compilemessages --ignore=.venv -v 0
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest $(PYTEST_ARGS)
