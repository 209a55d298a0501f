# newsrag: the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PIP := $(VENV)/bin/pip
NEWSRAG := $(VENV)/bin/newsrag
HOST ?= 127.0.0.1
PORT ?= 7860

.PHONY: run test install install-test browser ingest serve bench clean help

help:
	@echo "make run    install everything, ingest corpus/ and start the web chat on http://$(HOST):$(PORT)"
	@echo "make test   install what the tests need (incl. headless Chromium) and run the whole test suite"
	@echo "make bench  print the ingest, retrieval and answer benchmarks"

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# torch first, pinned: the CPU wheel. An unpinned torch pulls several GB of CUDA packages.
$(VENV)/.installed: $(VENV)/bin/python pyproject.toml
	$(PIP) install --quiet torch==2.13.0
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PIP) install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test browser

# Debian's Chromium for the Playwright browser tests (Playwright cannot download its own here).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; fi; \
	fi

ingest: install
	$(NEWSRAG) ingest

run: ingest
	$(NEWSRAG) serve --host $(HOST) --port $(PORT)

test: install-test
	$(VENV)/bin/python -m pytest tests

bench: install
	$(VENV)/bin/python benchmarks/ingest_bench.py --limit 500
	$(VENV)/bin/python benchmarks/retrieval_bench.py
	$(VENV)/bin/python benchmarks/answer_bench.py

clean:
	rm -rf .newsrag tests/output
