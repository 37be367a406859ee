# Two commands on a fresh machine (see README):
#   make lab    set everything up and open the course in JupyterLab
#   make test   set everything up and run every test (unit, lessons, browser, Colab)
PYTHON ?= python3
VENV   := .venv
STAMP  := $(VENV)/.installed

.PHONY: lab test bench clean

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --upgrade --quiet pip
	$(VENV)/bin/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

lab: $(STAMP)
	$(VENV)/bin/jupyter lab notebooks/

test: $(STAMP)
	$(VENV)/bin/python -m pytest

bench: $(STAMP)
	$(VENV)/bin/python benchmarks/bench_conv.py
	$(VENV)/bin/python benchmarks/bench_pool.py
	$(VENV)/bin/python benchmarks/bench_widgets.py

clean:
	rm -rf $(VENV) test-artifacts .pytest_cache .hypothesis
