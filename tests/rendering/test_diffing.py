"""Tests for articles.diffing (pure Python, no database)."""

from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from articles.diffing import (
    DiffChunk,
    FieldChange,
    field_changes,
    tokenize,
    word_diff,
    word_diff_html,
)

# Text with words, spaces, newlines and punctuation so token boundaries get exercised.
texty = st.lists(
    st.sampled_from([*"abc xyz\n.,;-é", "aspirin", "dose ", "<b>"]),
    max_size=60,
).map("".join)


def side(chunks, op):
    return "".join(chunk.text for chunk in chunks if chunk.op in ("equal", op))


def test_tokenize_is_lossless_and_splits_words_space_punctuation():
    assert tokenize("Dose: 5 mg/kg.") == ["Dose", ":", " ", "5", " ", "mg", "/", "kg", "."]
    assert "".join(tokenize("a  b\n\tc!?")) == "a  b\n\tc!?"


def test_identical_text_is_one_equal_chunk():
    assert word_diff("same text", "same text") == [DiffChunk("equal", "same text")]


def test_empty_inputs():
    assert word_diff("", "") == []
    assert word_diff("", "new") == [DiffChunk("insert", "new")]
    assert word_diff("old", "") == [DiffChunk("delete", "old")]


def test_single_word_replacement():
    assert word_diff("take 5 mg daily", "take 10 mg daily") == [
        DiffChunk("equal", "take "),
        DiffChunk("delete", "5"),
        DiffChunk("insert", "10"),
        DiffChunk("equal", " mg daily"),
    ]


def test_whitespace_between_changed_words_is_folded_into_the_change():
    assert word_diff("the quick fox", "a slow fox") == [
        DiffChunk("delete", "the quick"),
        DiffChunk("insert", "a slow"),
        DiffChunk("equal", " fox"),
    ]


def test_word_diff_html_marks_changes_and_escapes():
    result = word_diff_html("risk <b> is low", "risk & benefit is low")
    assert result == "risk <del>&lt;b&gt;</del><ins>&amp; benefit</ins> is low"


def test_field_changes_lists_only_changed_fields_in_given_order():
    old = {"title": "Aspirin in CVD", "summary": "Old summary", "year": 2020}
    new = {"title": "Aspirin in CVD", "summary": "New summary", "year": 2021}
    changes = field_changes(old, new, ["year", "title", "summary"])
    assert [change.field for change in changes] == ["year", "summary"]
    year, summary = changes
    assert (year.old, year.new, year.chunks) == (2020, 2021, [])
    assert summary.chunks == [
        DiffChunk("delete", "Old"),
        DiffChunk("insert", "New"),
        DiffChunk("equal", " summary"),
    ]
    assert summary.diff_html == "<del>Old</del><ins>New</ins> summary"
    assert summary.words == summary.chunks


def test_field_changes_missing_and_none_fields():
    changes = field_changes({}, {"abstract": "Filled in", "doi": None}, ["abstract", "doi"])
    assert changes == [
        FieldChange("abstract", None, "Filled in", [DiffChunk("insert", "Filled in")])
    ]


@given(texty, texty)
def test_word_diff_reconstructs_old_and_new(old, new):
    chunks = word_diff(old, new)
    assert side(chunks, "delete") == old
    assert side(chunks, "insert") == new


@given(texty, texty)
def test_word_diff_chunks_are_non_empty_and_coalesced(old, new):
    chunks = word_diff(old, new)
    assert all(chunk.text for chunk in chunks)
    assert all(chunk.op in {"equal", "insert", "delete"} for chunk in chunks)
    for previous, current in pairwise(chunks):
        assert previous.op != current.op
        # A change region is always written delete-then-insert.
        assert (previous.op, current.op) != ("insert", "delete")


@given(st.text(max_size=80), st.text(max_size=80))
def test_word_diff_reconstructs_arbitrary_unicode(old, new):
    chunks = word_diff(old, new)
    assert side(chunks, "delete") == old
    assert side(chunks, "insert") == new


@given(texty, texty)
def test_word_diff_html_never_leaks_raw_markup(old, new):
    result = word_diff_html(old, new)
    stripped = (
        result.replace("<ins>", "").replace("</ins>", "").replace("<del>", "").replace("</del>", "")
    )
    assert "<" not in stripped
    assert ">" not in stripped
