# The two commands of the README's quick start, and their parts.
#   make serve   install, load the demo data, serve the guide (PORT, default 5000)
#   make test    install what the tests need (Chromium included) and run them all

PYTHON ?= python3
VENV ?= .venv
PORT ?= 5000
HOST ?= 127.0.0.1
BIN = $(VENV)/bin

.PHONY: serve test install install-test browser pdftools lint bench

serve: install
	$(BIN)/flask --app voterguide setup --demo
	@echo "voterguide: serving at http://$(HOST):$(PORT)/ (Ctrl-C stops it)"
	HOST=$(HOST) PORT=$(PORT) $(BIN)/gunicorn -c gunicorn.conf.py 'voterguide:create_app()'

test: install-test browser pdftools
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/pytest

install: $(BIN)/flask

$(BIN)/flask: pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

install-test: install
	$(BIN)/pip install --quiet -e '.[test]'

# Debian's Chromium for the browser tests (Playwright drives it; it downloads no browser).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium; }

# Debian's poppler-utils: the flyer tests render the PDF to PNG (pdftoppm), read its words
# (pdftotext) and its metadata (pdfinfo); the letters to candidates are read back too.
pdftools:
	@command -v pdftoppm >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq poppler-utils; }

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/lint-imports

bench: install-test
	$(BIN)/python benchmarks/lookup.py
	$(BIN)/python benchmarks/serving.py
	$(BIN)/python benchmarks/geocoding.py
	$(BIN)/python benchmarks/import.py
	$(BIN)/python benchmarks/sign_in_flood.py
