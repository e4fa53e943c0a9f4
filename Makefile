# Two commands set up a fresh machine:  `make run` (install + start the app)  and  `make test` (install + all tests).
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
CHROMIUM ?= /usr/bin/chromium
PORT   ?= 8501
NGINX  ?= /usr/sbin/nginx
REPLICAS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); [ $$n -gt 1 ] && echo $$((n - 1)) || echo 1)
ADDRESS ?= 0.0.0.0

.PHONY: run test test-fast bench bench-browser browser nginx serve lock screenshots clean

$(VENV)/.app-installed: requirements.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.test-installed: $(VENV)/.app-installed requirements-test.txt
	$(PIP) install --quiet -r requirements-test.txt
	touch $@

run: $(VENV)/.app-installed
	$(PY) -m streamlit run asgi.py --server.port $(PORT)

# Debian's Chromium for the real-browser tests (Playwright's own browser download does not work offline),
# and a CJK font so the 中文 screenshots show characters, not boxes.
browser:
	@if [ ! -x $(CHROMIUM) ] || ! fc-list 2>/dev/null | grep -qi 'wenquanyi\|noto sans cjk'; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; \
	fi
	@$(CHROMIUM) --version

# Debian's nginx: the load balancer of `make serve` and of the hosting tests.
nginx:
	@if [ ! -x $(NGINX) ]; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq nginx >/dev/null; \
	fi
	@$(NGINX) -v

# A class on one machine: REPLICAS app processes (default: one per core but one) behind nginx on ADDRESS:PORT.
serve: $(VENV)/.app-installed nginx
	NNPG_NGINX=$(NGINX) $(PY) deploy/serve.py --replicas $(REPLICAS) --port $(PORT) --address $(ADDRESS)

# requirements.lock: requirements.txt's packages (and all they need) at the versions installed and tested in
# $(VENV), with hashes, for the Docker image (deploy/lock.py). Run after `make test` passed on a new requirements.txt.
lock: $(VENV)/.app-installed
	$(PY) deploy/lock.py --output requirements.lock

# The unit, app and security tests spread over the cores (pytest-xdist); the browser and hosting tests after them,
# on at most 3 workers, each with its own server and Chromium (they measure nothing; their waits allow a busy machine;
# with 4 on these 2 cores, the transformer page missed its 90 s to pause in 3 of 7 full runs, 2026-12-07).
test: $(VENV)/.test-installed browser nginx
	$(PY) -m pytest -q -p no:cacheprovider -n auto tests/unit tests/app tests/security
	$(PY) -m pytest -q -p no:cacheprovider -n auto --maxprocesses 3 tests/e2e tests/hosting

# The README's pictures: the browser tests, writing their screenshots into docs/ instead of build/.
screenshots: $(VENV)/.test-installed browser
	NNPG_SCREENSHOTS=docs/screenshots $(PY) -m pytest -q -p no:cacheprovider tests/e2e

test-fast: $(VENV)/.test-installed
	$(PY) -m pytest -q -p no:cacheprovider -n auto tests/unit tests/app

bench: $(VENV)/.test-installed
	for script in benchmarks/*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

# In-browser training speed against the trainer alone, Start → first step, slider → settled; then every training
# page's live refreshes per second and Chromium's main-thread load: in one command.
bench-browser: $(VENV)/.test-installed browser
	$(PY) benchmarks/browser_speed.py
	$(PY) benchmarks/live_refresh.py

clean:
	rm -rf $(VENV) build docs/screenshots/*.tmp.png
