"""Streaming readers: BibTeX, RIS, PubMed MEDLINE and CSL-JSON into CSL-JSON items."""

import io
import itertools
import json
from pathlib import Path

import pytest

from articles.library.citations import (
    MalformedFile,
    ParsedEntry,
    citation_key,
    csl_type_for,
    detect_format,
    read_sources,
    source_type_of,
)

DATA = Path(__file__).parent / "data"


def read_file(name, fmt):
    with open(DATA / name, encoding="utf-8", newline="") as stream:
        return list(read_sources(stream, fmt))


def items_by_id(entries):
    assert [entry.error for entry in entries if entry.error] == []
    return {entry.item["id"]: entry.item for entry in entries}


def read_text(text, fmt):
    return list(read_sources(io.StringIO(text), fmt))


def errors(entries):
    return [entry.error for entry in entries if entry.error]


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


# --------------------------------------------------------------------------- BibTeX


@pytest.fixture(scope="module")
def bibtex_items():
    return items_by_id(read_file("low_back_pain.bib", "bibtex"))


def test_bibtex_reads_every_entry_with_its_line(bibtex_items):
    entries = read_file("low_back_pain.bib", "bibtex")
    assert [(entry.line, entry.item["id"]) for entry in entries] == [
        (6, "will2018"),
        (20, "hartvigsen2018"),
        (37, "hayden2021"),
        (54, "nice2016"),
        (65, "who2023"),
        (74, "hall2021"),
    ]
    assert all(isinstance(entry, ParsedEntry) and entry.error is None for entry in entries)


def test_bibtex_journal_article(bibtex_items):
    assert bibtex_items["will2018"] == {
        "id": "will2018",
        "type": "article-journal",
        "title": "Mechanical Low Back Pain",
        "author": [
            {"family": "Will", "given": "Jeffrey S."},
            {"family": "Bury", "given": "David C."},
            {"family": "Miller", "given": "John A."},
        ],
        "container-title": "American Family Physician",  # from the @string macro
        "container-title-short": "Am Fam Physician",
        "issued": {"date-parts": [[2018, 10]]},  # month = oct
        "volume": "98",
        "issue": "7",
        "page": "421-428",  # 421--428 in BibTeX
        "PMID": "30252425",
        "custom": {"source_type": "other"},  # no type_detail: a plain journal article
    }


def test_bibtex_latex_accents_and_multi_line_authors(bibtex_items):
    authors = bibtex_items["hartvigsen2018"]["author"]
    assert len(authors) == 12
    assert authors[5] == {"family": "Genevay", "given": "Stéphane"}
    assert bibtex_items["hartvigsen2018"]["DOI"] == "10.1016/s0140-6736(18)30480-x"
    assert bibtex_items["hartvigsen2018"]["custom"] == {"source_type": "review"}


def test_bibtex_biblatex_fields(bibtex_items):
    hayden = bibtex_items["hayden2021"]
    assert hayden["issued"] == {"date-parts": [[2021, 9, 28]]}  # date = {2021-09-28}
    assert hayden["DOI"] == "10.1002/14651858.cd009790.pub2"  # from a doi.org URL
    assert hayden["PMID"] == "34580864"  # eprinttype = pubmed
    assert hayden["PMCID"] == "PMC8477273"
    assert hayden["author"][-1] == {"family": "van Tulder", "given": "Maurits W."}
    assert source_type_of(hayden) == "systematic_review"


def test_bibtex_organisation_author_and_techreport(bibtex_items):
    nice = bibtex_items["nice2016"]
    assert nice["type"] == "report"
    assert nice["author"] == [{"literal": "National Institute for Health and Care Excellence"}]
    assert nice["title"] == "Low back pain and sciatica in over 16s: assessment and management"
    assert nice["publisher"] == "National Institute for Health and Care Excellence"  # institution
    assert nice["accessed"] == {"date-parts": [[2024, 3, 5]]}
    assert nice["custom"] == {"source_type": "guideline"}


def test_bibtex_online_keeps_urls_verbatim(bibtex_items):
    who = bibtex_items["who2023"]
    assert who["type"] == "webpage"
    assert who["URL"] == "https://www.who.int/news-room/fact-sheets/detail/low-back-pain?utm_source=x%20y"
    assert who["author"] == [{"literal": "World Health Organization"}]
    assert source_type_of(who) == "website"


def test_bibtex_book(bibtex_items):
    assert bibtex_items["hall2021"]["type"] == "book"
    assert bibtex_items["hall2021"]["edition"] == "14"
    assert bibtex_items["hall2021"]["custom"] == {"source_type": "textbook"}


def test_bibtex_latex_decoding_of_names_and_titles():
    text = r"""@article{muller2019,
  author = {M{\"u}ller, Hans and Garc\'{i}a-L{\'o}pez, Jos{\'e} and {\c{C}}elik, Ay{\c s}e
            and Jean-Paul Sartre and van der Berg, Jan and Wright, Jr, Jackson T.
            and {World Health Organization} and {UNICEF}},
  title = {{\"U}ber die {NICE}-Leitlinie: 50\% weniger R{\"u}ckenschmerz \& mehr},
  journal = {Dtsch {\"A}rztebl Int},
  year = {2019},
  month = {October},
}"""
    [entry] = read_text(text, "bibtex")
    assert entry.item["title"] == "Über die NICE-Leitlinie: 50% weniger Rückenschmerz & mehr"
    assert entry.item["container-title"] == "Dtsch Ärztebl Int"
    assert entry.item["issued"] == {"date-parts": [[2019, 10]]}
    assert entry.item["author"] == [
        {"family": "Müller", "given": "Hans"},
        {"family": "García-López", "given": "José"},
        {"family": "Çelik", "given": "Ayşe"},
        {"family": "Sartre", "given": "Jean-Paul"},
        {"family": "van der Berg", "given": "Jan"},
        {"family": "Wright", "given": "Jackson T.", "suffix": "Jr"},
        {"literal": "World Health Organization"},
        {"literal": "UNICEF"},
    ]


BROKEN_BIBTEX = """@article{good1, title = {First}, year = 2018}

@article{nocomma,
  title = {Missing comma}
  author = {Doe, Jane}
}

@article{unclosed,
  title = {Never closed,
  year = 2018

@article{recovered, title = {Read after the broken entry}}
@article{baddoi,
  title = {Bad DOI},
  doi = {xyz},
}
@article{dup, title = {A}, title = {B}}
@article{, title = {No key}}
@article{inpress, title = {In press}, year = {in press}}
@misc{notitle, author = {Doe, Jane}}
@article{badname, title = {A}, author = {Smith, J, Jr, X}}
@article(parens, title = {Parenthesised (really)}, year = 2001)
"""


def test_bibtex_bad_entries_become_errors_and_reading_continues():
    entries = read_text(BROKEN_BIBTEX, "bibtex")
    assert [(entry.line, entry.item["id"]) for entry in entries if entry.item] == [
        (1, "good1"),
        (12, "recovered"),
        (22, "parens"),
    ]
    assert errors(entries) == [
        "line 3: missing comma after field 'title'",
        "line 8: @article entry is not closed (unbalanced braces)",
        "line 13: 'xyz' is not a DOI: a DOI looks like 10.1234/abc",
        "line 17: duplicate field title",
        "line 18: @article entry has no citation key",
        "line 19: 'in press' is not a year",
        "line 20: entry has no title",
        "line 21: Cannot split the following name `Smith, J, Jr, X` into parts: Too many commas",
    ]


def test_bibtex_skips_comments_preamble_and_text_between_entries():
    text = 'Some notes.\n@preamble{"\\newcommand{\\x}{y}"}\n@comment{x}\n@article{a, title={T}}\n'
    assert [entry.item["id"] for entry in read_text(text, "bibtex")] == ["a"]


def test_bibtex_rejects_a_file_that_is_not_bibtex():
    with pytest.raises(MalformedFile, match="Not a BibTeX file"):
        read_text('[{"title": "Mechanical low back pain"}]', "bibtex")


def test_empty_files_have_no_entries():
    for fmt in ("bibtex", "ris", "medline", "csl-json"):
        assert read_text("", fmt) == []
        assert read_text("\n  \n", fmt) == []


# --------------------------------------------------------------------------- RIS


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


# --------------------------------------------------------------------------- MEDLINE


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


# --------------------------------------------------------------------------- CSL-JSON


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


@pytest.mark.parametrize(
    ("item", "key"),
    [
        ({"author": [{"family": "Will", "given": "J"}], "issued": {"date-parts": [[2018]]}}, "will2018"),
        ({"author": [{"family": "Müller"}], "issued": {"date-parts": [[2019, 1]]}}, "muller2019"),
        (
            {
                "author": [{"family": "Tulder", "non-dropping-particle": "van"}],
                "issued": {"date-parts": [[2021]]},
            },
            "vantulder2021",
        ),
        ({"author": [{"family": "Hardt-Lindberg"}], "issued": {"date-parts": [[2023]]}}, "hardtlindberg2023"),
        ({"author": [{"family": "Øster"}], "issued": {"date-parts": [[2020]]}}, "oster2020"),
        (
            {"author": [{"literal": "World Health Organization"}], "issued": {"date-parts": [[2023]]}},
            "world2023",
        ),
        ({"title": "The burden of low back pain", "issued": {"date-parts": [[2020]]}}, "burden2020"),
        ({"author": [{"family": "Will"}]}, "willnd"),
        ({}, "sourcend"),
    ],
)
def test_citation_key(item, key):
    assert citation_key(item) == key


@pytest.mark.parametrize(
    ("source_type", "csl_type"),
    [
        ("systematic_review", "article-journal"),
        ("meta_analysis", "article-journal"),
        ("randomized_trial", "article-journal"),
        ("cohort_study", "article-journal"),
        ("case_report", "article-journal"),
        ("review", "article-journal"),
        ("textbook", "book"),
        ("website", "webpage"),
        ("guideline", "report"),
        ("other", "document"),
    ],
)
def test_csl_type_mapping_round_trips_through_custom(source_type, csl_type):
    assert csl_type_for(source_type) == csl_type
    assert source_type_of({"type": csl_type, "custom": {"source_type": source_type}}) == source_type


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ({"type": "book"}, "textbook"),
        ({"type": "webpage"}, "website"),
        ({"type": "report"}, "guideline"),
        ({"type": "article-journal"}, "other"),
        ({"type": "article-journal", "genre": "Systematic review"}, "systematic_review"),
        (
            {"type": "article-journal", "genre": "Review", "custom": {"source_type": "cohort_study"}},
            "cohort_study",
        ),
    ],
)
def test_source_type_is_inferred_when_not_stored(item, expected):
    assert source_type_of(item) == expected
