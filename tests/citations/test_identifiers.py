"""Normalisation of DOIs, PMIDs and PMCIDs."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from articles.library.citations.identifiers import (
    InvalidIdentifier,
    normalize_doi,
    normalize_pmcid,
    normalize_pmid,
)

COCHRANE_DOI = "10.1002/14651858.cd009790.pub2"


@pytest.mark.parametrize(
    "value",
    [
        "10.1002/14651858.CD009790.pub2",
        "  10.1002/14651858.CD009790.pub2\n",
        "https://doi.org/10.1002/14651858.CD009790.pub2",
        "HTTPS://DOI.ORG/10.1002/14651858.CD009790.pub2",
        "http://dx.doi.org/10.1002/14651858.CD009790.pub2",
        "doi.org/10.1002/14651858.CD009790.pub2",
        "doi:10.1002/14651858.CD009790.pub2",
        "DOI: 10.1002/14651858.CD009790.pub2",
        "https://doi.org/10.1002%2F14651858.CD009790.pub2",
    ],
)
def test_normalize_doi_strips_prefixes_and_lowercases(value):
    assert normalize_doi(value) == COCHRANE_DOI


def test_normalize_doi_keeps_parentheses_in_lancet_dois():
    assert normalize_doi("10.1016/S0140-6736(18)30480-X") == "10.1016/s0140-6736(18)30480-x"


@pytest.mark.parametrize("value", [None, "", "   "])
def test_empty_values_normalise_to_empty_string(value):
    assert normalize_doi(value) == ""
    assert normalize_pmid(value) == ""
    assert normalize_pmcid(value) == ""


@pytest.mark.parametrize(
    "value",
    [
        "abc",
        "10.12/abc",
        "10.1234",
        "10.1234/",
        "10.1234/has space",
        "11.1234/abc",
        "https://example.org/10.1234/x",
    ],
)
def test_normalize_doi_rejects_non_dois_with_a_message_naming_the_value(value):
    with pytest.raises(InvalidIdentifier) as error:
        normalize_doi(value)
    assert repr(value.strip()) in str(error.value)
    assert "is not a DOI: a DOI looks like 10.1234/abc" in str(error.value)


@pytest.mark.parametrize(
    "value",
    [
        "10.1016/S0140-6736(18)30480-X",  # parentheses
        "10.1002/(SICI)1097-0258(19980815/30)17:15/16<1661::AID-SIM968>3.0.CO;2-2",  # from a SICI
        "10.1175/1520-0477(2001)082<1377:IOGPPT>2.3.CO;2",
        "10.1093/ajae/aaq063#supplementary",  # a fragment
        "10.1000/a[1]b",  # brackets
        "10.1000.10/abc",  # a subdivided registrant
        "10.1371/journal.pmed.1000097",
        "10.1000/%7Bx%7D",  # a %-escape kept as written
    ],
)
def test_normalize_doi_accepts_the_characters_real_dois_hold(value):
    assert normalize_doi(value) == value.lower()


@pytest.mark.parametrize(
    "value",
    [
        '10.1234/abc"><script>alert(1)</script>',
        "10.1234/abc<script>",
        "10.1234/a>b",
        "10.1234/<1:2",  # an unclosed segment
        '10.1234/"quoted"',
        "10.1234/tab\there",
        "10.1234/line\nbreak",
        "10.1234/nul\x00",
        "10.1234/soft\u00adhyphen",
        "10.1234/zero\u200bwidth",
        "10.1234/no\u00a0break",
        "10.1234/del\x7f",
        "https://doi.org/10.1234/abc%22%3E%3Cscript%3E",
    ],
)
def test_normalize_doi_refuses_what_no_doi_holds(value):
    with pytest.raises(InvalidIdentifier) as error:
        normalize_doi(value)
    assert str(error.value) == (
        f"{value.strip()!r} is not a DOI: a DOI looks like 10.1234/abc, "
        "with no spaces, quotes, angle brackets or control characters"
    )


def test_invalid_identifier_is_a_value_error():
    assert issubclass(InvalidIdentifier, ValueError)
    assert str(pytest.raises(ValueError, normalize_doi, "abc").value) == (
        "'abc' is not a DOI: a DOI looks like 10.1234/abc"
    )


@pytest.mark.parametrize(
    "value", ["30252425", " 30252425 ", "PMID: 30252425", "pmid:30252425", "PMID 30252425", 30252425]
)
def test_normalize_pmid(value):
    assert normalize_pmid(value) == "30252425"


@pytest.mark.parametrize("value", ["PMC8477273", "30252425a", "0", "3025-2425", "١٢٣"])
def test_normalize_pmid_rejects_non_numbers(value):
    with pytest.raises(InvalidIdentifier, match=r"is not a PMID"):
        normalize_pmid(value)


@pytest.mark.parametrize(
    "value", ["PMC8477273", "pmc8477273", "8477273", " PMC8477273 ", "PMCID: PMC8477273", 8477273]
)
def test_normalize_pmcid(value):
    assert normalize_pmcid(value) == "PMC8477273"


@pytest.mark.parametrize("value", ["PMC", "PMCabc", "30252425x", "PMID8477273", "PMC-8477273"])
def test_normalize_pmcid_rejects_other_values(value):
    with pytest.raises(InvalidIdentifier, match=r"is not a PMCID: a PMCID looks like PMC1234567"):
        normalize_pmcid(value)


doi_suffixes = st.text(
    alphabet=st.characters(blacklist_categories=("Z", "C"), blacklist_characters='%"<>'),
    min_size=1,
    max_size=40,
)
dois = st.builds(
    lambda registrant, suffix: f"10.{registrant}/{suffix}", st.integers(1000, 999_999_999), doi_suffixes
)


@given(
    doi=dois,
    prefix=st.sampled_from(["", "doi:", "DOI: ", "https://doi.org/", "http://dx.doi.org/", "doi.org/"]),
)
def test_any_doi_with_any_prefix_normalises_to_the_lowercased_doi(doi, prefix):
    assert normalize_doi(prefix + doi) == doi.lower()


@given(doi=dois)
def test_normalize_doi_is_idempotent(doi):
    once = normalize_doi(doi)
    assert normalize_doi(once) == once


@given(number=st.integers(1, 10**10), prefix=st.sampled_from(["", "PMID: ", "pmid "]))
def test_pmid_round_trip(number, prefix):
    assert normalize_pmid(f"{prefix}{number}") == str(number)
    assert normalize_pmid(normalize_pmid(str(number))) == str(number)


@given(number=st.integers(1, 10**9), prefix=st.sampled_from(["", "PMC", "pmc", "PMCID: PMC"]))
def test_pmcid_round_trip(number, prefix):
    assert normalize_pmcid(f"{prefix}{number}") == f"PMC{number}"
