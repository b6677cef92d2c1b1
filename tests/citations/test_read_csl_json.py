"""The CSL-JSON reader: normalised values, chunked reading, bad items and invalid JSON."""

import io
import json

import pytest

from articles.library.citations import MalformedFile, read_sources
from tests.citations.reading import DATA, errors, read_file, read_text


@pytest.fixture(scope="module")
def csl_entries():
    return read_file("sources.json", "csl-json")


def test_csl_json_items_and_lines(csl_entries):
    assert [(entry.line, entry.item["id"]) for entry in csl_entries] == [
        (2, "will2018"),
        (20, "lincoff2023"),
        (45, "who2023"),
    ]


def test_csl_json_values_are_normalised(csl_entries):
    lincoff = csl_entries[1].item
    assert lincoff["issued"] == {"date-parts": [[2023, 12, 14]]}  # from strings
    assert (lincoff["volume"], lincoff["issue"], lincoff["PMID"]) == ("389", "24", "37952131")  # from numbers
    assert lincoff["DOI"] == "10.1056/nejmoa2307563"
    assert lincoff["author"][-1] == {"literal": "SELECT Trial Investigators"}
    assert lincoff["custom"] == {"source_type": "randomized_trial"}  # from genre
    assert "abstract" not in lincoff and "genre" not in lincoff


def test_csl_json_website(csl_entries):
    who = csl_entries[2].item
    assert who["accessed"] == {"date-parts": [[2024, 3, 5]]}
    assert who["custom"] == {"source_type": "website"}


def test_csl_json_reads_in_small_chunks():
    class TinyReads(io.StringIO):
        def read(self, size=-1):
            return super().read(5)

    text = (DATA / "sources.json").read_text(encoding="utf-8")
    assert list(read_sources(TinyReads(text), "csl-json")) == list(
        read_sources(io.StringIO(text), "csl-json")
    )


def test_csl_json_bad_items_become_errors():
    text = json.dumps(
        [
            {"title": "Bad DOI", "DOI": "xyz"},
            5,
            {"title": "Bad date", "issued": {"date-parts": "2018"}},
            {"title": ["not", "text"]},
            {"title": "Bad authors", "author": "Doe, Jane"},
            {"title": "Fine", "issued": {"raw": "2019-05"}},
        ],
        indent=1,
    )
    entries = read_text(text, "csl-json")
    assert errors(entries) == [
        "line 2: 'xyz' is not a DOI: a DOI looks like 10.1234/abc",
        "line 6: expected a CSL item (a JSON object), found int",
        "line 7: 'issued' must look like {\"date-parts\": [[2018, 10, 1]]}",
        "line 13: 'title' must be text, found list",
        "line 19: 'author' must be a list of name objects",
    ]
    assert entries[-1].item["issued"] == {"date-parts": [[2019]]}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"title": "x"}', r"line 1: expected a JSON array of CSL items \('\['\), found '\{'"),
        ("TY  - JOUR\nER  - \n", "expected a JSON array"),
        ('[{"title": "x"},]', "line 1: Expecting value"),
        ('[{"title": "x"}\n {"title": "y"}]', r"line 2: expected ',' or '\]' after an item"),
        ('[{"title": "x"}', r"the file ends before the closing '\]'"),
        ('[{"title": "x"', "line 1: Expecting ',' delimiter"),
        ('[{"title": "x"}] trailing', r"unexpected text after the closing '\]'"),
    ],
)
def test_csl_json_rejects_invalid_json(text, message):
    with pytest.raises(MalformedFile, match=message):
        read_text(text, "csl-json")


def test_csl_json_keeps_entries_before_a_syntax_error():
    reader = read_sources(io.StringIO('[{"title": "First"}, {"title": oops}]'), "csl-json")
    assert next(reader).item["title"] == "First"
    with pytest.raises(MalformedFile):
        next(reader)


@pytest.mark.parametrize("depth", [101, 50_000])
def test_csl_json_refuses_an_element_nested_too_deeply(depth):
    text = '[{"title": "First"},\n {"title": "Deep", "custom": {"x": ' + "[" * depth + "]" * depth + "}}]"

    with pytest.raises(MalformedFile, match=r"^Not valid CSL-JSON: line 2: nested deeper than 100 levels$"):
        read_text(text, "csl-json")


def test_csl_json_counts_brackets_in_strings_but_reads_a_shallow_item():
    entries = read_text(json.dumps([{"title": "[" * 500 + "{" * 500, "custom": {"a": [[[1]]]}}]), "csl-json")

    assert entries[0].item["title"] == "[" * 500 + "{" * 500
