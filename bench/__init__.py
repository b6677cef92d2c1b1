"""Benchmark of the public API and pages (``make bench``); see bench/README.md."""
