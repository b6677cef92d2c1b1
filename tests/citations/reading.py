"""Helpers for the reader tests: the sample files, and reading a file or a string into entries."""

import io
from pathlib import Path

from articles.library.citations import read_sources

DATA = Path(__file__).parent / "data"


def read_file(name, fmt):
    with open(DATA / name, encoding="utf-8", newline="") as stream:
        return list(read_sources(stream, fmt))


def read_text(text, fmt):
    return list(read_sources(io.StringIO(text), fmt))


def errors(entries):
    return [entry.error for entry in entries if entry.error]
