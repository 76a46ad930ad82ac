# Helhet: `make demo` and `make test` are all a new machine needs.
#   make demo      virtual environment, translations, database, demo county; serves :8000
#   make test      the test suite (SQLite; PostgreSQL when DATABASE_URL is set)
#   make e2e       browser tests (Playwright driving Chromium)
#   make lint      ruff check, ruff format --check, mypy (django-stubs)
#   make messages  update the Swedish message catalogue (src/helhet/locale/sv; needs GNU gettext)
PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
export HELHET_DEV ?= 1
ADDRESS ?= 127.0.0.1:8000
DEMO_PERSONS ?= 300
LOCALE_DIR := src/helhet/locale

$(BIN)/helhet: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(BIN)/helhet

.PHONY: install test demo migrate compilemessages messages e2e lint
install: $(BIN)/helhet

# The Swedish catalogue is compiled first: the tests read the pages in Swedish too.
test: install compilemessages
	$(BIN)/pytest $(PYTEST_ARGS)

# The SQLite database lives under var/ unless DATABASE_URL names another.
migrate: install
	mkdir -p $${HELHET_VAR_DIR:-var}/static
	$(BIN)/helhet migrate --noinput

demo: install compilemessages migrate
	$(BIN)/helhet demo --persons $(DEMO_PERSONS)
	$(BIN)/helhet remind
	@echo
	@echo "Helhet: http://$(ADDRESS)/ (log in with a demo login above; stop with Ctrl-C)"
	@# The task worker (reminders) runs beside the server and stops with it.
	$(BIN)/helhet db_worker --interval 5 & worker=$$!; \
		trap 'kill $$worker 2>/dev/null' EXIT; trap 'exit 130' INT TERM; \
		$(BIN)/helhet runserver $(ADDRESS)

# Babel compiles the catalogue (helhet compile-translations): no GNU gettext needed. Only when a
# catalogue changed (the stamp under var/): two test runs side by side (.ci/run) do not rewrite
# the compiled files under each other.
CATALOGUES := $(wildcard $(LOCALE_DIR)/*/LC_MESSAGES/*.po)
COMPILED := var/.translations-compiled
compilemessages: install $(COMPILED)
$(COMPILED): $(CATALOGUES) $(BIN)/helhet
	$(BIN)/helhet compile-translations
	mkdir -p $(dir $@) && touch $@

messages: install
	mkdir -p $(LOCALE_DIR)
	cd src/helhet && $(BIN)/helhet makemessages -l sv --no-obsolete --ignore='static/*'

e2e: install
	$(BIN)/pytest e2e -p no:cacheprovider

# mypy's cache is under var/ (see [tool.mypy] in pyproject.toml).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
