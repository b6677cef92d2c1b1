"""The RIS reader: tags and their variants, continuation lines, and bad records."""

import pytest

from articles.library.citations import MalformedFile
from tests.citations.reading import DATA, errors, read_file, read_text


@pytest.fixture(scope="module")
def ris_entries():
    return read_file("low_back_pain.ris", "ris")


def test_ris_tolerates_bom_and_crlf(ris_entries):
    assert (DATA / "low_back_pain.ris").read_bytes().startswith(b"\xef\xbb\xbfTY  - JOUR\r\n")
    assert [(entry.line, entry.item["id"]) for entry in ris_entries] == [
        (1, "maher2017"),
        (18, "foster2018"),
        (43, "national2016"),
    ]


def test_ris_journal_article(ris_entries):
    assert ris_entries[0].item == {
        "id": "maher2017",
        "type": "article-journal",
        "title": "Non-specific low back pain",
        "author": [
            {"family": "Maher", "given": "Chris"},
            {"family": "Underwood", "given": "Martin"},
            {"family": "Buchbinder", "given": "Rachelle"},
        ],
        "container-title": "The Lancet",
        "container-title-short": "Lancet",
        "issued": {"date-parts": [[2017]]},  # PY  - 2017///
        "volume": "389",
        "issue": "10070",
        "page": "736-747",
        "DOI": "10.1016/s0140-6736(16)30970-9",
        "PMID": "27745712",  # AN
        "custom": {"source_type": "review"},  # M3  - Review
    }


def test_ris_a1_t1_jo_y1_and_continuation_lines(ris_entries):
    foster = ris_entries[1].item
    assert len(foster["author"]) == 12
    assert foster["author"][0] == {"family": "Foster", "given": "Nadine E."}
    assert foster["title"] == (
        "Prevention and treatment of low back pain: evidence, challenges, and promising directions"
    )
    assert foster["container-title"] == "Lancet"
    assert foster["issued"] == {"date-parts": [[2018, 6, 9]]}
    assert foster["DOI"] == "10.1016/s0140-6736(18)30489-6"
    assert foster["URL"].endswith("/PIIS0140-6736(18)30489-6/fulltext")


def test_ris_report_from_an_organisation(ris_entries):
    nice = ris_entries[2].item
    assert nice["type"] == "report"
    assert nice["author"] == [{"literal": "National Institute for Health and Care Excellence"}]
    assert nice["issued"] == {"date-parts": [[2016, 11, 30]]}  # DA is more precise than PY
    assert nice["accessed"] == {"date-parts": [[2024, 3, 5]]}  # Y2
    assert nice["custom"] == {"source_type": "guideline"}


def test_ris_foreign_an_and_c2_values_are_ignored():
    text = "TY  - JOUR\nTI  - Embase record\nAN  - L620123456\nC2  - Reviewer 2 notes\nER  - \n"
    [entry] = read_text(text, "ris")
    assert "PMID" not in entry.item and "PMCID" not in entry.item


def test_ris_bad_records_become_errors_and_reading_continues():
    text = (
        "TY  - JOUR\nTI  - Bad DOI\nDO  - xyz\nER  - \n"
        "TY  - JOUR\nTI  - Never terminated\n"
        "TY  - JOUR\nTI  - Fine\nPY  - 2020\nER  -\n"
        "AU  - Doe, Jane\nTI  - No TY line\nER  - \n"
        "TY  - JOUR\nAU  - Doe, Jane\nER  - \n"
        "TY  - JOUR\nTI  - Cut off at the end of the file\n"
    )
    entries = read_text(text, "ris")
    assert [entry.item["id"] for entry in entries if entry.item] == ["fine2020"]
    assert errors(entries) == [
        "line 1: 'xyz' is not a DOI: a DOI looks like 10.1234/abc",
        "line 5: record is not terminated by 'ER  - '",
        "line 11: record starts with 'AU' instead of 'TY  - '",
        "line 14: entry has no title",
        "line 17: record is not terminated by 'ER  - '",
    ]


@pytest.mark.parametrize("text", ['[{"title": "x"}]', "@article{a, title={b}}", "PMID- 30252425\n"])
def test_ris_rejects_other_formats(text):
    with pytest.raises(MalformedFile, match=r"Not an RIS file: line 1 should start with a tag like 'TY  - '"):
        read_text(text, "ris")
