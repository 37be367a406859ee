# Two commands on a fresh machine (see README):
#   make lab    set everything up and open the course in JupyterLab
#   make test   set everything up and run every test (unit, lessons, browser, Colab)
PYTHON ?= python3
VENV   := .venv
STAMP  := $(VENV)/.installed
# JupyterLab listens on the loopback address only and keeps its login token.
# It refuses to start as root (a container, a cloud VM) unless told
# --allow-root: passed only when this user is root, and said so.
USER_ID ?= $(shell id -u)
LAB_FLAGS := --ip=127.0.0.1
ifeq ($(USER_ID),0)
LAB_FLAGS += --allow-root
endif

.PHONY: lab test bench clean

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --upgrade --quiet pip
	$(VENV)/bin/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

lab: $(STAMP)
ifeq ($(USER_ID),0)
	@echo "make lab: running as root, so JupyterLab gets --allow-root (still 127.0.0.1 and a token)"
endif
	$(VENV)/bin/jupyter lab $(LAB_FLAGS) notebooks/

test: $(STAMP)
	$(VENV)/bin/python -m pytest

bench: $(STAMP)
	$(VENV)/bin/python benchmarks/bench_conv.py
	$(VENV)/bin/python benchmarks/bench_pool.py
	$(VENV)/bin/python benchmarks/bench_nn.py
	$(VENV)/bin/python benchmarks/bench_widgets.py

clean:
	rm -rf $(VENV) test-artifacts .pytest_cache .hypothesis
