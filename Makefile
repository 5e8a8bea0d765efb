# clientgen: `make generate` and `make test` set up .venv themselves (Python 3.10+ and PyPI access needed).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SPEC := spec/clear_street.yaml
OUT := generated
STAMP := $(VENV)/.installed-stamp
# Every generated output tree that must be lint-clean: ours, and the golden cases'.
OUTPUT_TREES = $(OUT) $(wildcard tests/golden/*/expected)

.PHONY: generate test real-apis check golden lint lint-generated bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

## generate: regenerate generated/ from spec/
generate: $(STAMP)
	$(BIN)/clientgen generate $(SPEC) -o $(OUT)

## test: the whole suite, then generated/ must be current and every generated SDK and CLI lint-clean
test: $(STAMP)
	$(BIN)/pytest
	$(BIN)/clientgen check $(SPEC) -o $(OUT)
	$(MAKE) --no-print-directory lint

## real-apis: only the real-API suite (tests/REAL_APIS.md): every document of ../shared/specs imported, generated,
##            linted and called against Prism; the table is also in .cache/real-apis/summary.md
real-apis: $(STAMP)
	$(BIN)/pytest -q tests/test_real_apis.py

## check: fail (with a diff) when generated/ is not what `make generate` would write
check: $(STAMP)
	$(BIN)/clientgen check $(SPEC) -o $(OUT)

## golden: rewrite generated/, tests/golden/*/expected, tests/cli_help, the importer goldens and tests/openapi/openai_api.md
##         (the OpenAI API reference index) deliberately; read `git diff` first
golden: $(STAMP)
	$(BIN)/clientgen generate $(SPEC) -o $(OUT)
	for case in tests/golden/*/; do $(BIN)/clientgen generate $${case}spec.yaml -o $${case}expected || exit 1; done
	CLIENTGEN_UPDATE_GOLDEN=1 $(BIN)/pytest -q tests/test_cli_target.py -k help
	CLIENTGEN_UPDATE_GOLDEN=1 $(BIN)/pytest -q tests/test_openapi.py -k "golden and not generates"
	CLIENTGEN_UPDATE_GOLDEN=1 $(BIN)/pytest -q tests/test_openapi_surface.py -k golden

## lint: ruff + mypy on the generator, then lint-generated
lint: $(STAMP)
	$(BIN)/ruff check --no-cache generator tests
	$(BIN)/mypy
	$(MAKE) --no-print-directory lint-generated

## lint-generated: ruff, black --check and mypy --strict on every generated SDK and CLI
lint-generated: $(STAMP)
	for tree in $(OUTPUT_TREES); do \
	  $(BIN)/ruff check --no-cache $$tree/python $$tree/cli && \
	  $(BIN)/black --check --quiet $$tree/python && \
	  $(BIN)/black --check --quiet $$tree/cli && \
	  (cd $$tree/python && $(CURDIR)/$(BIN)/mypy --strict --cache-dir $(CURDIR)/.mypy_cache .) && \
	  (cd $$tree/cli && MYPYPATH=../python $(CURDIR)/$(BIN)/mypy --strict --cache-dir $(CURDIR)/.mypy_cache .) \
	  || exit 1; \
	done

## bench: generation speed against openapi-python-client, side by side (ratios, medians, peak memory);
##        `clientgen diff` of the OpenAI document against import-openapi of it (ratio, goal <= 1.5x);
##        then the SDK client per call and import time against raw httpx and the Stainless SDK
bench: $(STAMP)
	$(BIN)/python tests/bench/generation.py
	$(BIN)/python tests/bench/diff.py
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --target $(VENV)/bench-peer \
	  clearstreet==0.7.0 'distro>=1.7,<2' 'sniffio>=1.3,<2'
	BENCH_PEER_DIR=$(VENV)/bench-peer $(BIN)/python tests/bench/client_bench.py

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache
