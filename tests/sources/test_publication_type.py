"""Publication type (how a work was published) apart from evidence type (what kind of evidence).

The AMA strings below were checked by hand against the AMA Manual of Style, 11th edition
(3.13 journals, 3.14 books and chapters, 3.15 reports and guidelines, web pages). AMA prints
the DOI when there is one and no PMID: a PMID never changes the string (the page links PubMed
beside it).
"""

from __future__ import annotations

import importlib
import io
from collections import Counter
from datetime import date
from types import SimpleNamespace

import pytest

from articles.library import importing
from articles.library.bibliography import source_to_csl
from articles.library.citations import format_reference, read_sources
from articles.library.import_batches import source_from_csl
from articles.library.sources import source_create
from articles.models import Source

migration = importlib.import_module("articles.migrations.0019_source_publication_type")

WILL = [
    {"family": "Will", "given": "Jeffrey S"},
    {"family": "Bury", "given": "David C"},
    {"family": "Miller", "given": "John A"},
]
DOI = "10.1000/example.42"
PMID = "30252425"


def ama(**fields) -> str:
    fields.setdefault("key", "x")
    fields.setdefault("type", "other")
    return format_reference(source_to_csl(Source(**fields)))


JOURNAL = dict(
    publication_type="article-journal",
    authors=WILL,
    title="Mechanical low back pain",
    container_title="American Family Physician",
    container_title_short="Am Fam Physician",
    year=2018,
    volume="98",
    issue="7",
    pages="421-428",
)
BOOK = dict(
    publication_type="book",
    authors=[{"family": "Loscalzo", "given": "Joseph"}, {"family": "Fauci", "given": "Anthony S"}],
    title="Harrison's Principles of Internal Medicine",
    publisher="McGraw Hill",
    year=2022,
)
CHAPTER = dict(
    publication_type="chapter",
    authors=[{"family": "Engstrom", "given": "John W"}],
    title="Back and neck pain",
    container_title="Harrison's Principles of Internal Medicine",
    publisher="McGraw Hill",
    year=2022,
    pages="107-115",
)
GUIDELINE = dict(
    type="guideline",
    publication_type="report",
    authors=[{"literal": "National Institute for Health and Care Excellence"}],
    title="Low back pain and sciatica in over 16s: assessment and management",
    publisher="NICE",
    year=2016,
)
WEBPAGE = dict(
    publication_type="webpage",
    title="Back pain",
    container_title="MedlinePlus",
    url="https://medlineplus.gov/backpain.html",
    accessed=date(2024, 3, 5),
)

CASES = {
    "journal article": (
        JOURNAL,
        "Will JS, Bury DC, Miller JA. Mechanical low back pain. Am Fam Physician. 2018;98(7):421-428.",
    ),
    "book": (BOOK, "Loscalzo J, Fauci AS. Harrison's Principles of Internal Medicine. McGraw Hill; 2022."),
    "chapter": (
        CHAPTER,
        "Engstrom JW. Back and neck pain. In: Harrison's Principles of Internal Medicine. McGraw Hill; 2022:107-115.",
    ),
    "report or guideline": (
        GUIDELINE,
        "National Institute for Health and Care Excellence. Low back pain and sciatica in over 16s: "
        "assessment and management. NICE; 2016.",
    ),
    "web page": (
        WEBPAGE,
        "Back pain. MedlinePlus. Accessed March 5, 2024. https://medlineplus.gov/backpain.html",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_ama_without_identifiers(case):
    fields, expected = CASES[case]
    assert ama(**fields) == expected


@pytest.mark.parametrize("case", [case for case in CASES if case != "web page"])
def test_ama_with_a_doi_ends_with_it(case):
    fields, expected = CASES[case]
    assert ama(**fields, doi=DOI) == f"{expected} doi:{DOI}"


def test_a_web_page_is_cited_by_its_address_even_with_a_doi():
    fields, expected = CASES["web page"]
    assert ama(**fields, doi=DOI) == expected


@pytest.mark.parametrize("case", CASES)
def test_a_pmid_does_not_change_the_reference(case):
    fields, expected = CASES[case]
    assert ama(**fields, pmid=PMID) == expected
    assert ama(**fields, pmid=PMID, doi=DOI) == ama(**fields, doi=DOI)


def test_a_journal_article_prints_its_journal_whatever_the_evidence_type():
    for evidence in ("other", "guideline", "randomized_trial", "website"):
        assert ama(**{**JOURNAL, "type": evidence}) == CASES["journal article"][1]


# Readers: every format gives both types ---------------------------------------------------------

BIBTEX_PLAIN_ARTICLE = """@article{will2018,
  author = {Will, Jeffrey S. and Bury, David C. and Miller, John A.},
  title = {Mechanical low back pain: a systematic review},
  journal = {Am Fam Physician},
  year = {2017},
  volume = {98},
  number = {7},
  pages = {421--428},
  doi = {10.1000/abc.1}
}
"""


def read_one(text: str, fmt: str) -> dict:
    (entry,) = list(read_sources(io.StringIO(text), fmt))
    assert entry.error is None, entry.error
    return entry.item


def test_a_plain_bibtex_article_keeps_its_journal():
    source = source_from_csl(read_one(BIBTEX_PLAIN_ARTICLE, "bibtex"))
    assert (source.publication_type, source.type) == ("article-journal", "other")
    assert format_reference(source_to_csl(source)) == (
        "Will JS, Bury DC, Miller JA. Mechanical low back pain: a systematic review. Am Fam Physician. "
        "2017;98(7):421-428. doi:10.1000/abc.1"
    )


# Without a design term, a book's evidence type is "textbook" and a web page's "website" (as
# before publication types existed); both are listed with the other references.
@pytest.mark.parametrize(
    ("text", "fmt", "expected"),
    [
        ("@book{b, title={A book}, publisher={P}, year={2020}}", "bibtex", ("book", "textbook")),
        ("@incollection{c, title={A chapter}, booktitle={B}, year={2020}}", "bibtex", ("chapter", "other")),
        (
            "@techreport{r, title={A report}, institution={WHO}, year={2020}}",
            "bibtex",
            ("report", "guideline"),
        ),
        ("@online{w, title={A page}, url={https://example.org}}", "bibtex", ("webpage", "website")),
        (
            "@article{g, title={Guideline}, journal={J}, year={2020}, type_detail={guideline}}",
            "bibtex",
            ("article-journal", "guideline"),
        ),
        (
            "TY  - JOUR\nTI  - A trial\nT2  - Lancet\nM3  - Randomized Controlled Trial\nER  - \n",
            "ris",
            ("article-journal", "randomized_trial"),
        ),
        ("TY  - BOOK\nTI  - A book\nER  - \n", "ris", ("book", "textbook")),
        ("TY  - CHAP\nTI  - A chapter\nER  - \n", "ris", ("chapter", "other")),
        ("TY  - RPRT\nTI  - A report\nM3  - Practice Guideline\nER  - \n", "ris", ("report", "guideline")),
        ("TY  - ELEC\nTI  - A page\nER  - \n", "ris", ("webpage", "website")),
        (
            "PMID- 1\nTI  - A guideline.\nPT  - Journal Article\nPT  - Practice Guideline\nJT  - BMJ\n",
            "medline",
            ("article-journal", "guideline"),
        ),
        (
            "PMID- 2\nTI  - A case.\nPT  - Case Reports\nJT  - BMJ\n",
            "medline",
            ("article-journal", "case_report"),
        ),
        ("PMID- 3\nBTI - A Bookshelf book.\n", "medline", ("book", "textbook")),
        (
            '[{"id": "a", "type": "article-journal", "title": "T", "genre": "Meta-Analysis"}]',
            "csl-json",
            ("article-journal", "meta_analysis"),
        ),
        (
            '[{"id": "b", "type": "report", "title": "T", "genre": "guideline"}]',
            "csl-json",
            ("report", "guideline"),
        ),
        ('[{"id": "c", "type": "post-weblog", "title": "T"}]', "csl-json", ("webpage", "website")),
        ('[{"id": "d", "type": "dataset", "title": "T"}]', "csl-json", ("dataset", "other")),
    ],
)
def test_every_reader_maps_both_types(text, fmt, expected):
    source = source_from_csl(read_one(text, fmt))
    assert (source.publication_type, source.type) == expected


@pytest.mark.django_db
def test_an_import_stores_the_publication_type(editor):
    summary = importing.import_upload(
        io.BytesIO(BIBTEX_PLAIN_ARTICLE.encode()), filename="a.bib", actor=editor
    )
    assert summary.created_count == 1
    source = Source.objects.get()
    assert source.publication_type == "article-journal"
    assert source.history.get().publication_type == "article-journal"


@pytest.mark.django_db
def test_a_source_added_without_a_publication_type_gets_one_from_its_fields(editor):
    journal = source_create(actor=editor, data={"title": "T", "container_title": "BMJ", "volume": "3"})
    page = source_create(actor=editor, data={"title": "P", "url": "https://example.org/p"})
    guideline = source_create(actor=editor, data={"title": "G", "type": "guideline", "publisher": "WHO"})
    assert [journal.publication_type, page.publication_type, guideline.publication_type] == [
        "article-journal",
        "webpage",
        "report",
    ]


# The data migration -----------------------------------------------------------------------------


def stored(**fields):
    blank = dict.fromkeys(("container_title", "volume", "issue", "pages", "pmid", "url", "publisher"), "")
    return SimpleNamespace(**{"type": "other", **blank, **fields})


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"container_title": "Am Fam Physician", "volume": "98"}, "article-journal"),
        ({"type": "guideline", "container_title": "BMJ", "pages": "1-9"}, "article-journal"),
        ({"type": "guideline", "publisher": "NICE"}, "report"),
        ({"type": "textbook", "publisher": "McGraw Hill"}, "book"),
        ({"type": "textbook", "container_title": "Harrison's"}, "chapter"),
        ({"type": "website", "url": "https://x.org"}, "webpage"),
        ({"url": "https://x.org"}, "webpage"),
        ({"type": "randomized_trial"}, "article-journal"),
        ({"pmid": "123"}, "article-journal"),
        ({}, "document"),
    ],
)
def test_the_migration_infers_the_publication_type_from_the_stored_fields(fields, expected):
    assert migration.infer(stored(**fields)) == expected


def test_the_migration_reports_how_many_sources_changed_how():
    text = migration.report(
        Counter({("document", "article-journal"): 2, ("report", "article-journal"): 1}), 10
    )
    assert text.splitlines() == [
        "Publication types inferred for 10 sources; 3 print differently now.",
        "  2 document -> article-journal",
        "  1 report -> article-journal",
    ]
