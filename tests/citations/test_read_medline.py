"""The PubMed MEDLINE (.nbib) reader: authors, dates, publication types, and bad records."""

import pytest

from articles.library.citations import MalformedFile
from tests.citations.reading import errors, read_file, read_text


@pytest.fixture(scope="module")
def medline_entries():
    return read_file("pubmed.nbib", "medline")


def test_medline_reads_two_records(medline_entries):
    assert [(entry.line, entry.item["id"]) for entry in medline_entries] == [
        (1, "will2018"),
        (46, "hayden2021"),
    ]


def test_medline_journal_article(medline_entries):
    assert medline_entries[0].item == {
        "id": "will2018",
        "type": "article-journal",
        "title": "Mechanical Low Back Pain",  # MEDLINE's closing period removed
        "author": [
            {"family": "Will", "given": "Jeffrey S"},
            {"family": "Bury", "given": "David C"},
            {"family": "Miller", "given": "John A"},
        ],
        "container-title": "American family physician",
        "container-title-short": "Am Fam Physician",
        "issued": {"date-parts": [[2018, 10, 1]]},
        "volume": "98",
        "issue": "7",
        "page": "421-428",
        "PMID": "30252425",
        "custom": {"source_type": "review"},  # PT  - Review
    }


def test_medline_cochrane_review(medline_entries):
    hayden = medline_entries[1].item
    assert hayden["DOI"] == "10.1002/14651858.cd009790.pub2"  # the [doi] LID, not the [pii]
    assert hayden["PMCID"] == "PMC8477273"
    assert hayden["author"][-1] == {"family": "van Tulder", "given": "Maurits W"}
    assert hayden["issued"] == {"date-parts": [[2021, 9, 28]]}
    # PT: Journal Article, Meta-Analysis, Research Support, Systematic Review.
    assert hayden["custom"] == {"source_type": "systematic_review"}


def test_medline_continuations_group_authors_and_suffixes():
    text = (
        "PMID- 26551272\n"
        "TI  - A Randomized Trial of Intensive versus Standard Blood-Pressure\n"
        "      Control.\n"
        "DP  - 2015 Nov 26\n"
        "PT  - Journal Article\n"
        "PT  - Randomized Controlled Trial\n"
        "CN  - SPRINT Research Group\n"
        "FAU - Wright, Jackson T Jr\n"
        "AU  - Wright JT Jr\n"
        "AU  - Williamson JD\n"
        "TA  - N Engl J Med\n"
        "LID - 10.1056/NEJMoa1511939 [doi]\n"
    )
    [entry] = read_text(text, "medline")
    assert entry.item["title"] == "A Randomized Trial of Intensive versus Standard Blood-Pressure Control"
    assert entry.item["author"] == [
        {"literal": "SPRINT Research Group"},
        {"family": "Wright", "given": "Jackson T", "suffix": "Jr"},
        {"family": "Williamson", "given": "JD"},  # AU only, no FAU
    ]
    assert entry.item["id"] == "sprint2015"
    assert entry.item["custom"] == {"source_type": "randomized_trial"}


@pytest.mark.parametrize(
    ("dp", "parts"),
    [
        ("2018 Oct 1", [2018, 10, 1]),
        ("2018 Oct", [2018, 10]),
        ("2018 Sep-Oct", [2018, 9]),
        ("2018 Winter", [2018]),
        ("2018", [2018]),
    ],
)
def test_medline_publication_dates(dp, parts):
    [entry] = read_text(f"PMID- 1\nTI  - T.\nDP  - {dp}\n", "medline")
    assert entry.item["issued"] == {"date-parts": [parts]}


@pytest.mark.parametrize(
    ("types", "expected"),
    [
        (["Journal Article", "Practice Guideline"], "guideline"),
        (["Journal Article", "Meta-Analysis"], "meta_analysis"),
        (["Review", "Systematic Review", "Meta-Analysis"], "systematic_review"),
        (["Randomized Controlled Trial", "Multicenter Study"], "randomized_trial"),
        (["Case Reports"], "case_report"),
        (["Review"], "review"),
        (["Journal Article"], "other"),
    ],
)
def test_medline_publication_types_choose_the_source_type(types, expected):
    text = "PMID- 1\nTI  - T.\n" + "".join(f"PT  - {pt}\n" for pt in types)
    [entry] = read_text(text, "medline")
    assert entry.item["custom"]["source_type"] == expected


def test_medline_bad_records_become_errors():
    text = "PMID- abc\nTI  - Bad PMID.\n\nPMID- 2\nTI  - Stray text.\nthis line has no tag\n\nPMID- 3\nTI  - Fine.\n"
    entries = read_text(text, "medline")
    assert errors(entries) == [
        "line 1: 'abc' is not a PMID: a PMID is a number like 30252425",
        "line 4: unexpected text on line 6 (not 'TAG - value' nor a continuation)",
    ]
    assert entries[-1].item["PMID"] == "3"


@pytest.mark.parametrize(
    "text", ["@article{a, title = {b}}\n", "TY  - JOUR\nTI  - An RIS file\nER  - \n", '[{"title": "x"}]']
)
def test_medline_rejects_other_formats(text):
    with pytest.raises(
        MalformedFile, match="Not a PubMed/MEDLINE file: line 1 should start with a tag like 'PMID- '"
    ):
        read_text(text, "medline")
