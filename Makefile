# onedoor: `make run` starts the embedded platform; `make test` runs the whole test suite.
PYTHON ?= python3
# ML=1 also installs the triage engine's sentence model (torch 2.13.0 CPU first, then the `ml`
# extra); without it the engine runs on its lexicon alone.
ML ?= 0
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed$(if $(filter 1,$(ML)),-ml)
CSS := onedoor/static/onedoor/onedoor.css

.PHONY: run test install assets migrate lint benchmark clean

run: install assets
	$(BIN)/onedoor migrate --noinput
	$(BIN)/onedoor load_demo --quiet-logins
	$(BIN)/onedoor serve --demo-logins

test: install assets
	$(BIN)/pytest $(PYTEST_ARGS)

install: $(INSTALLED)

$(INSTALLED): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "onedoor needs Python 3.11 or newer"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	if [ "$(ML)" = "1" ]; then $(BIN)/pip install --quiet torch==2.13.0 && $(BIN)/pip install --quiet -e ".[dev,ml]" && $(BIN)/onedoor triage-model; fi
	touch $(INSTALLED)

assets: $(CSS)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

$(CSS): node_modules/.package-lock.json onedoor/assets/onedoor.scss
	npm run --silent build

lint: install
	$(BIN)/ruff check onedoor config tests benchmarks

benchmark: install
	$(BIN)/python benchmarks/intake.py

clean:
	rm -rf $(VENV) node_modules $(CSS) staticfiles
