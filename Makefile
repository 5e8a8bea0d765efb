# clientgen: `make generate` and `make test` set up .venv themselves (Python 3.10+ and PyPI access needed).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SPEC := spec/clear_street.yaml
OUT := generated
STAMP := $(VENV)/.installed-stamp
# Every generated SDK tree that must be lint-clean: ours, and the golden cases'.
SDK_TREES = $(OUT)/python $(wildcard tests/golden/*/expected/python)

.PHONY: generate test check golden lint lint-generated clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

## generate: regenerate generated/ from spec/
generate: $(STAMP)
	$(BIN)/clientgen generate $(SPEC) -o $(OUT)

## test: the whole suite, then generated/ must be current and every generated SDK lint-clean
test: $(STAMP)
	$(BIN)/pytest
	$(BIN)/clientgen check $(SPEC) -o $(OUT)
	$(MAKE) --no-print-directory lint

## check: fail (with a diff) when generated/ is not what `make generate` would write
check: $(STAMP)
	$(BIN)/clientgen check $(SPEC) -o $(OUT)

## golden: rewrite generated/ and tests/golden/*/expected deliberately; read `git diff` before committing
golden: $(STAMP)
	$(BIN)/clientgen generate $(SPEC) -o $(OUT)
	for case in tests/golden/*/; do $(BIN)/clientgen generate $$case/spec.yaml -o $$case/expected || exit 1; done

## lint: ruff + mypy on the generator, then lint-generated
lint: $(STAMP)
	$(BIN)/ruff check --no-cache generator tests
	$(BIN)/mypy
	$(MAKE) --no-print-directory lint-generated

## lint-generated: ruff, black --check and mypy --strict on every generated SDK
lint-generated: $(STAMP)
	for tree in $(SDK_TREES); do \
	  $(BIN)/ruff check --no-cache $$tree && \
	  $(BIN)/black --check --quiet $$tree && \
	  (cd $$tree && $(CURDIR)/$(BIN)/mypy --strict --cache-dir $(CURDIR)/.mypy_cache .) || exit 1; \
	done

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache
