# Set-up and everyday commands. `make run` and `make test` work on a fresh machine with Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-fast demo bench clean

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $(STAMP)

## run: install, then open the dashboard on the bundled demo data at http://localhost:8501
run: $(STAMP)
	$(BIN)/streamlit run app.py

## test: install, then run every test (unit, app, notebook and browser tests)
test: $(STAMP)
	$(BIN)/python -m pytest

## test-fast: everything except the browser tests
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not browser"

## demo: regenerate data/demo_return.xlsx, data/return_template.xlsx and the demo Annex A exports from their fixed seeds
demo: $(STAMP)
	$(BIN)/python scripts/make_demo.py
	$(BIN)/python scripts/make_annex_a.py

## bench: print every timing and peak memory beside its baseline and budget; exits 1 if any budget is missed
bench: $(STAMP)
	@status=0; for script in bench_load bench_annex_a bench_comparators bench_pages bench_pack bench_start; do \
		echo "== bench/$$script.py"; $(BIN)/python bench/$$script.py || status=1; done; exit $$status

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
