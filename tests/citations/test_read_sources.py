"""What every reader shares: format detection, dispatch, empty files, streaming and decoding errors."""

import io
import itertools
import json

import pytest

from articles.library.citations import MalformedFile, detect_format, read_sources
from tests.citations.reading import read_text


class CountingLines:
    """A text stream that records how many lines the reader has pulled so far."""

    def __init__(self, lines):
        self._lines = iter(lines)
        self.pulled = 0

    def __iter__(self):
        return self

    def __next__(self):
        line = next(self._lines)
        self.pulled += 1
        return line


def test_empty_files_have_no_entries():
    for fmt in ("bibtex", "ris", "medline", "csl-json"):
        assert read_text("", fmt) == []
        assert read_text("\n  \n", fmt) == []


# --------------------------------------------------------------------------- streaming


def bibtex_lines(count):
    for n in range(count):
        yield f"@article{{key{n},\n"
        yield f"  title = {{Trial number {n}}},\n"
        yield "  year = 2020,\n"
        yield "}\n"


def ris_lines(count):
    for n in range(count):
        yield from ("TY  - JOUR\r\n", f"TI  - Trial number {n}\r\n", "ER  - \r\n")


def medline_lines(count):
    for n in range(count):
        yield from (f"PMID- {n + 1}\n", f"TI  - Trial number {n}.\n", "\n")


def csl_json_lines(count):
    yield "[\n"
    for n in range(count):
        yield ("," if n else "") + json.dumps({"title": f"Trial number {n}"}) + "\n"
    yield "]\n"


@pytest.mark.parametrize(
    ("fmt", "lines"),
    [("bibtex", bibtex_lines), ("ris", ris_lines), ("medline", medline_lines), ("csl-json", csl_json_lines)],
)
def test_readers_stream_10000_entries(fmt, lines):
    stream = CountingLines(lines(10_000))
    entries = read_sources(stream, fmt)
    first_ten = list(itertools.islice(entries, 10))
    assert [entry.item["title"] for entry in first_ten] == [f"Trial number {n}" for n in range(10)]
    assert stream.pulled < 100  # the rest of the file has not been read
    assert sum(1 for _ in entries) == 10_000 - 10


# --------------------------------------------------------------------------- helpers


@pytest.mark.parametrize(
    ("filename", "start", "expected"),
    [
        ("refs.bib", "% JabRef\n@article{a,", "bibtex"),
        ("export.txt", "\n@Article{a,", "bibtex"),
        ("refs.ris", "\ufeffTY  - JOUR\r\n", "ris"),
        ("pubmed-lowbackpai-set.txt", "\nPMID- 30252425\nOWN - NLM", "medline"),
        ("citations.nbib", "PMID- 30252425", "medline"),
        ("library.json", ' [\n  {"id": "will2018"', "csl-json"),
        ("mislabelled.ris", '[{"id": "will2018"}]', "csl-json"),
        ("refs.bib", "", "bibtex"),
        ("export.RIS", "Provider: Zotero", "ris"),
        ("library.json", b'\xef\xbb\xbf[{"id": "a"}]', "csl-json"),
    ],
)
def test_detect_format(filename, start, expected):
    assert detect_format(filename, start) == expected


def test_detect_format_gives_up_with_a_clear_message():
    with pytest.raises(MalformedFile, match="Cannot tell the format of 'notes.txt'"):
        detect_format("notes.txt", "Just some notes")


def test_read_sources_rejects_unknown_formats():
    with pytest.raises(ValueError, match="Unknown format 'endnote'"):
        read_sources(io.StringIO(""), "endnote")


@pytest.mark.parametrize("fmt", ["bibtex", "ris", "medline", "csl-json"])
def test_read_sources_names_a_byte_that_is_not_utf8(fmt):
    # Used on its own, not only through the import: a decoding error is a MalformedFile.
    stream = io.TextIOWrapper(io.BytesIO(b"TY  - JOUR\nTI  - caf\xe9\nER  - \n"), encoding="utf-8")
    with pytest.raises(MalformedFile, match="not UTF-8 text: byte 0xe9 cannot be decoded"):
        list(read_sources(stream, fmt))


def test_read_sources_accepts_a_string():
    [entry] = read_sources("TY  - JOUR\nTI  - T\nER  - \n", "ris")
    assert entry.item["title"] == "T"
