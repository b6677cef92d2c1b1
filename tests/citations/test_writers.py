"""Writers: output shape, and reading each writer's output back gives the same items."""

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles.library.citations import (
    SOURCE_TYPES,
    iter_bibtex,
    iter_csl_json,
    iter_ris,
    read_sources,
    write_bibtex,
    write_csl_json,
    write_ris,
)

DATA = Path(__file__).parent / "data"
WRITERS = {"bibtex": write_bibtex, "ris": write_ris, "csl-json": write_csl_json}
SAMPLES = [
    ("low_back_pain.bib", "bibtex"),
    ("low_back_pain.ris", "ris"),
    ("pubmed.nbib", "medline"),
    ("sources.json", "csl-json"),
]


def read_items(text, fmt):
    entries = list(read_sources(text, fmt))
    assert [entry.error for entry in entries if entry.error] == []
    return [entry.item for entry in entries]


def sample_items(name, fmt):
    with open(DATA / name, encoding="utf-8", newline="") as stream:
        return read_items(stream, fmt)


WILL_2018 = {
    "id": "will2018",
    "type": "article-journal",
    "title": "Mechanical low back pain",
    "author": [
        {"family": "Will", "given": "Jeffrey S"},
        {"family": "Bury", "given": "David C"},
        {"family": "Miller", "given": "John A"},
    ],
    "container-title": "American Family Physician",
    "container-title-short": "Am Fam Physician",
    "issued": {"date-parts": [[2018, 10, 1]]},
    "volume": "98",
    "issue": "7",
    "page": "421-428",
    "PMID": "30252425",
    "custom": {"source_type": "review"},
}


# --------------------------------------------------------------------------- round trips of the samples


@pytest.mark.parametrize(("name", "source_format"), SAMPLES)
@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_samples_round_trip_through_every_writer(name, source_format, fmt):
    items = sample_items(name, source_format)
    assert read_items(WRITERS[fmt](items), fmt) == items


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_source_type_survives_every_writer(fmt):
    items = [
        {
            "id": f"s{n}",
            "title": f"Source {n}",
            "type": "article-journal",
            "custom": {"source_type": source_type},
        }
        for n, source_type in enumerate(SOURCE_TYPES)
    ]
    back = read_items(WRITERS[fmt](items), fmt)
    assert [item["custom"]["source_type"] for item in back] == list(SOURCE_TYPES)
    assert {item["type"] for item in back} == {"article-journal"}


# --------------------------------------------------------------------------- BibTeX


def test_bibtex_output():
    assert write_bibtex([WILL_2018]) == (
        "@article{will2018,\n"
        "  author = {Will, Jeffrey S and Bury, David C and Miller, John A},\n"
        "  title = {Mechanical low back pain},\n"
        "  journal = {American Family Physician},\n"
        "  shortjournal = {Am Fam Physician},\n"
        "  year = {2018},\n"
        "  month = oct,\n"
        "  date = {2018-10-01},\n"
        "  volume = {98},\n"
        "  number = {7},\n"
        "  pages = {421--428},\n"
        "  pmid = {30252425},\n"
        "  type_detail = {review},\n"
        "}\n"
    )


def test_bibtex_escapes_latex_specials_and_keeps_unicode():
    item = {
        "id": "x",
        "type": "report",
        "title": "50% of {NICE} & WHO_2 cases cost $5 #1 ~ ^ \\ -- ``q''",
        "author": [{"family": "Hardt-Lindberg", "given": "Søren"}, {"literal": "Johnson & Johnson"}],
        "publisher": "R&D",
        "URL": "https://example.org/a_b%20c~d",
    }
    output = write_bibtex([item])
    assert "@techreport{x," in output
    assert (
        r"title = {50\% of \{{NICE}\} \& {WHO}\_2 cases cost \$5 \#1 \textasciitilde{} "
        r"\textasciicircum{} \textbackslash{} -{}- `{}`q'{}'}," in output
    )
    assert "author = {Hardt-Lindberg, Søren and {Johnson {\\&} Johnson}}," in output
    assert "institution = {R\\&D}," in output
    assert "url = {https://example.org/a_b%20c~d}," in output  # verbatim
    assert read_items(output, "bibtex")[0]["title"] == item["title"]


def test_bibtex_protects_acronyms_from_lower_casing():
    output = write_bibtex([{"id": "x", "title": "COVID-19 and mRNA vaccines in the NHS"}])
    assert "title = {{COVID}-19 and {mRNA} vaccines in the {NHS}}," in output


def test_bibtex_generates_a_key_when_missing():
    item = {key: value for key, value in WILL_2018.items() if key != "id"}
    assert write_bibtex([item]).startswith("@article{will2018,")


def test_iter_bibtex_yields_one_chunk_per_entry():
    chunks = list(iter_bibtex([WILL_2018, {**WILL_2018, "id": "will2018b"}]))
    assert len(chunks) == 2
    assert chunks[1].startswith("\n@article{will2018b,")


# --------------------------------------------------------------------------- RIS


def test_ris_output():
    assert write_ris([WILL_2018]) == (
        "TY  - JOUR\n"
        "ID  - will2018\n"
        "AU  - Will, Jeffrey S\n"
        "AU  - Bury, David C\n"
        "AU  - Miller, John A\n"
        "TI  - Mechanical low back pain\n"
        "T2  - American Family Physician\n"
        "J2  - Am Fam Physician\n"
        "PY  - 2018\n"
        "DA  - 2018/10/01/\n"
        "VL  - 98\n"
        "IS  - 7\n"
        "SP  - 421\n"
        "EP  - 428\n"
        "AN  - 30252425\n"
        "M3  - review\n"
        "ER  - \n"
        "\n"
    )


def test_ris_names_organisations_and_single_pages():
    item = {
        "title": "T",
        "type": "webpage",
        "author": [
            {"literal": "World Health Organization"},
            {"family": "Plato"},
            {"family": "Wright", "given": "Jackson T", "suffix": "Jr"},
        ],
        "page": "e234567",
    }
    output = write_ris([item])
    assert "TY  - ELEC\n" in output
    assert "AU  - World Health Organization\nAU  - Plato,\nAU  - Wright, Jackson T, Jr\n" in output
    assert "SP  - e234567\n" in output and "EP  -" not in output
    assert read_items(output, "ris")[0]["author"] == item["author"]


def test_iter_ris_yields_one_record_per_item():
    assert len(list(iter_ris([WILL_2018, WILL_2018]))) == 2


# --------------------------------------------------------------------------- CSL-JSON


def test_csl_json_output_is_a_utf8_json_array():
    item = {"id": "a", "title": "Søren's trial", "custom": {"source_type": "other"}}
    output = write_csl_json([WILL_2018, item])
    assert json.loads(output) == [WILL_2018, item]
    assert "Søren" in output


def test_iter_csl_json_streams_and_handles_no_items():
    assert json.loads(write_csl_json([])) == []
    chunks = list(iter_csl_json([WILL_2018, WILL_2018]))
    assert len(chunks) == 4  # "[", two items, "]"
    assert json.loads("".join(chunks)) == [WILL_2018, WILL_2018]


# --------------------------------------------------------------------------- property-based round trips


def normalised(text):
    return " ".join(text.split())


def words(alphabet, max_size=40):
    """Non-empty text with single spaces, the way readers hand values out."""
    return st.text(alphabet=alphabet, min_size=1, max_size=max_size).map(normalised).filter(bool)


# Any printable character, LaTeX specials and ligature pairs ("--", "``", "?`") included.
ANY_CHARACTER = st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn"))
PLAIN_CHARACTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZáéüøÅØ0123456789.:()&-"
# RIS writes "Family, Given" and reads an author without a comma as an organisation, so
# its names cannot contain commas (a documented limitation); BibTeX braces them.
NAME_WITHOUT_COMMA = st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn"), blacklist_characters=",")


def names(alphabet):
    people = st.builds(
        lambda family, given, suffix: {
            "family": family,
            "given": given,
            **({"suffix": suffix} if suffix else {}),
        },
        words(alphabet, 20),
        words(alphabet, 20),
        st.sampled_from(["", "Jr", "III"]),
    )
    groups = words(alphabet, 40).map(lambda name: {"literal": name})
    return st.one_of(people, groups)


dates = st.builds(
    lambda year, month, day: {"date-parts": [[year, month, day][: 1 + bool(month) + bool(month and day)]]},
    st.integers(1900, 2100),
    st.sampled_from([None, *range(1, 13)]),
    st.sampled_from([None, *range(1, 29)]),
)
OPTIONAL = {
    "container-title": words(ANY_CHARACTER),
    "container-title-short": words(PLAIN_CHARACTERS),
    "issued": dates,
    "volume": st.from_regex(r"\A[1-9][0-9]{0,3}\Z"),
    "issue": st.from_regex(r"\A[1-9][0-9]{0,2}\Z"),
    "page": st.from_regex(r"\A(e?[1-9][0-9]{0,3}(-e?[1-9][0-9]{0,3})?|CD[0-9]{6})\Z"),
    "DOI": st.from_regex(r"\A10\.[0-9]{4,6}/[a-z0-9.()/;:_-]{1,20}\Z"),
    "PMID": st.integers(1, 99_999_999).map(str),
    "PMCID": st.integers(1, 9_999_999).map(lambda n: f"PMC{n}"),
    "URL": st.from_regex(r"\Ahttps://[a-z]{1,10}\.org/[A-Za-z0-9/_.~%?=&@-]{0,20}\Z"),
    "publisher": words(ANY_CHARACTER),
    "edition": st.from_regex(r"\A[1-9][0-9]?\Z"),
    "accessed": dates,
}
CSL_TYPES = [
    "article-journal",
    "book",
    "chapter",
    "webpage",
    "report",
    "paper-conference",
    "thesis",
    "document",
]


@st.composite
def csl_items(draw, name_alphabet=ANY_CHARACTER):
    item = {
        "id": draw(st.from_regex(r"\A[a-z][a-z0-9_-]{0,15}\Z")),
        "type": draw(st.sampled_from(CSL_TYPES)),
        "title": draw(words(ANY_CHARACTER)),
        "custom": {"source_type": draw(st.sampled_from(SOURCE_TYPES))},
    }
    authors = draw(st.lists(names(name_alphabet), max_size=8))
    if authors:
        item["author"] = authors
    for key in draw(st.sets(st.sampled_from(sorted(OPTIONAL)))):
        item[key] = draw(OPTIONAL[key])
    return item


round_trip_settings = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@round_trip_settings
@given(items=st.lists(csl_items(), min_size=1, max_size=3))
def test_bibtex_round_trip_property(items):
    assert read_items(write_bibtex(items), "bibtex") == items


@round_trip_settings
@given(items=st.lists(csl_items(NAME_WITHOUT_COMMA), min_size=1, max_size=3))
def test_ris_round_trip_property(items):
    assert read_items(write_ris(items), "ris") == items


@round_trip_settings
@given(items=st.lists(csl_items(), min_size=1, max_size=3))
def test_csl_json_round_trip_property(items):
    assert read_items(write_csl_json(items), "csl-json") == items
