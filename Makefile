# The two commands of the README's quick start, and their parts.
#   make serve   install, load the demo data, serve the guide (PORT, default 5000)
#   make test    install what the tests need (Chromium, PostgreSQL, Redis included) and run
#                them all, on SQLite and again on a throwaway PostgreSQL server

PYTHON ?= python3
VENV ?= .venv
PORT ?= 5000
HOST ?= 127.0.0.1
BIN = $(VENV)/bin
# The suite runs in one process per core (pytest-xdist), each test module on one of them.
TEST_WORKERS ?= auto
PYTEST = $(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile

.PHONY: serve test test-sqlite test-postgresql install install-test browser pdftools services lint bench \
	translations catalogues

serve: install
	$(BIN)/flask --app voterguide setup --demo
	@echo "voterguide: serving at http://$(HOST):$(PORT)/ (Ctrl-C stops it)"
	HOST=$(HOST) PORT=$(PORT) $(BIN)/gunicorn -c gunicorn.conf.py 'voterguide:create_app()'

test: install-test browser pdftools services
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	VOTERGUIDE_TEST_DATABASE=sqlite $(PYTEST)
	VOTERGUIDE_TEST_DATABASE=postgresql $(PYTEST)

# One database at a time (the harness starts PostgreSQL and Redis itself).
test-sqlite: install-test browser pdftools services
	VOTERGUIDE_TEST_DATABASE=sqlite $(PYTEST)

test-postgresql: install-test browser pdftools services
	VOTERGUIDE_TEST_DATABASE=postgresql $(PYTEST)

install: $(BIN)/flask catalogues

$(BIN)/flask: pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

# The .mo files Flask-Babel reads, compiled from the catalogues kept in the repository (a
# wheel compiles its own: setup.py): the voters' domain and the staff pages' own.
CATALOGUES = voterguide/translations
DOMAINS = messages staff
catalogues: $(BIN)/flask
	$(BIN)/pybabel compile -D "$(DOMAINS)" -d $(CATALOGUES) --statistics

# After marking new strings: extract them and add them to every catalogue (then translate
# the new entries of voterguide/translations/es/LC_MESSAGES/messages.po and run `make
# catalogues`; tests/test_translations.py fails while one has no Spanish). The staff pages'
# strings, marked s_(), s_n(), s_l() and SN_() (voterguide/web/staff_words.py), go into
# their own domain, staff.pot and <language>/LC_MESSAGES/staff.po, which may stay
# untranslated.
STAFF_KEYWORDS = --no-default-keywords -k s_ -k s_n:1,2 -k s_l -k SN_
translations: $(BIN)/flask
	$(BIN)/pybabel extract --no-wrap --no-location --sort-output -F babel.cfg -k lazy_gettext \
	  -k _l -o $(CATALOGUES)/messages.pot .
	$(BIN)/pybabel update --no-wrap --no-fuzzy-matching --ignore-obsolete -i $(CATALOGUES)/messages.pot \
	  -d $(CATALOGUES)
	$(BIN)/pybabel extract --no-wrap --no-location --sort-output -F babel.cfg $(STAFF_KEYWORDS) \
	  -o $(CATALOGUES)/staff.pot .
	$(BIN)/pybabel update --no-wrap --no-fuzzy-matching --ignore-obsolete -D staff \
	  -i $(CATALOGUES)/staff.pot -d $(CATALOGUES)

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

# Debian's servers for the tests and the election-day benchmark: PostgreSQL and Redis (the
# harness starts throwaway ones in temporary folders; the system services stay off), nginx
# and wrk (benchmarks/election_day.py).
SERVICES = /usr/bin/redis-server /usr/sbin/nginx /usr/bin/wrk
services:
	@for path in $(SERVICES); do [ -e $$path ] || missing=1; done; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing=1; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq --no-install-recommends \
	    postgresql redis-server nginx-light wrk; \
	fi

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/lint-imports

bench: install-test services
	$(BIN)/python benchmarks/lookup.py
	$(BIN)/python benchmarks/serving.py
	$(BIN)/python benchmarks/geocoding.py
	$(BIN)/python benchmarks/import.py
	$(BIN)/python benchmarks/sign_in_flood.py
	$(BIN)/python benchmarks/publish_under_load.py
	$(BIN)/python benchmarks/election_day.py
