"""Hosting tests: the real server, Chromium and nginx (the balancer). The browser fixtures are the e2e ones."""
from tests.e2e.conftest import browser, page  # noqa: F401  (fixtures shared with the page tests)
