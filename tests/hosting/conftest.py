"""Hosting tests: the real server, Chromium and nginx (the balancer). The browser fixtures are the run-wide ones
(tests/conftest.py), shared with the page tests."""
