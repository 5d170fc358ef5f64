# scopekeeper — everything from a fresh machine with python3 and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test test-anyday fuzz hangups check lint bench demo wheel clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

run: $(STAMP)  ## open the app on the default data file
	ESCDELAY=$${ESCDELAY:-250} $(BIN)/scopekeeper

test: $(STAMP)  ## the whole test suite
	$(BIN)/python -m pytest -n 2 -q

# The suite with the machine's clock moved (no test may depend on the real day), e.g.
# make test-anyday ANYDAY='2031-12-31 23:59:30'. Needs faketime (Debian: apt-get install
# faketime); the venv is made first, with the real clock.
ANYDAY ?= 2028-02-29 12:00:00
test-anyday: $(STAMP)  ## the whole test suite under a moved clock (faketime)
	@command -v faketime >/dev/null 2>&1 || { echo "make test-anyday needs faketime" \
		"(Debian/Ubuntu: sudo apt-get install faketime)" >&2; exit 2; }
	faketime '$(ANYDAY)' $(BIN)/python -m pytest -n 2 -q -p no:cacheprovider

# Thousands of generated command lines (make test tries 40): every one must end in exit 0,
# 1 or 2 with no traceback, and a refusal must change no file. Memory is capped so that a
# runaway command fails here instead of the machine. FUZZ=20000 for a long night.
FUZZ ?= 3000
fuzz: $(STAMP)  ## fuzz every command line (tests/cli/test_fuzz.py) with FUZZ examples
	ulimit -v 6000000; $(BIN)/python -m pytest -q -p no:cacheprovider tests/cli/test_fuzz.py \
		--fuzz-examples $(FUZZ)

# The terminal dropped at 100 random moments (make test drops it at 12; ~2 s each).
HANGUPS ?= 100
hangups: $(STAMP)  ## tests/ui/test_lifeline.py's random hang-ups, HANGUPS rounds
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/ui/test_lifeline.py \
		-k random --hangup-rounds $(HANGUPS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache  # .importlinter: the layers, no circle inside one

check: lint test  ## ruff + mypy + tests

# BENCH_SIZES=500,2000 (clients) leaves out the slow 5,000-client size of bench/scale.py
bench: $(STAMP)  ## speed figures beside the stock alternatives -> bench/results.json
	$(BIN)/python bench/run.py

demo: $(STAMP)
	$(BIN)/scopekeeper demo

wheel: $(STAMP)
	$(BIN)/python -m build --wheel --outdir dist .

clean:
	rm -rf $(VENV) dist build *.egg-info .pytest_cache .ruff_cache .mypy_cache
