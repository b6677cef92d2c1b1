"""The BibTeX reader: BibLaTeX fields, LaTeX decoding, @string macros, and bad entries."""

import pytest

from articles.library.citations import MalformedFile, ParsedEntry, source_type_of
from tests.citations.reading import errors, read_file, read_text


def items_by_id(entries):
    assert [entry.error for entry in entries if entry.error] == []
    return {entry.item["id"]: entry.item for entry in entries}


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


def test_bibtex_decodes_fields_of_fifty_thousand_characters_in_all():
    sentence = r"M{\"u}ller and Garc{\'\i}a: 30--40\% of {NICE} na{\"\i}ve cohorts, et al.\ {\c{c}}a. "
    decoded = "Müller and García: 30–40% of NICE naïve cohorts, et al. ça. "
    repeats = 49_990 // len(sentence)
    title = (sentence * repeats).ljust(49_990)
    [entry] = read_text(f"@article{{long, title = {{{title}}}, year = {{2020}}, volume = 12345}}", "bibtex")
    assert entry.item["title"] == (decoded * repeats).strip()


def test_bibtex_refuses_an_entry_with_a_field_too_long_to_read_and_reads_the_next():
    title = "word " * 200_000 + "x"
    text = f"@article{{long, title = {{{title}}}}}\n@article{{next, title = {{Next}}}}\n"
    [long, following] = read_text(text, "bibtex")
    assert long.error == "line 1: field 'title' is 1,000,001 characters; at most 50,000 are read in one entry"
    assert following.item["title"] == "Next"


def test_bibtex_refuses_an_entry_whose_fields_to_read_are_too_long_together():
    half = "x" * 30_000
    [entry] = read_text(f"@book{{long, title = {{{half}}}, publisher = {half}}}", "bibtex")
    assert entry.error == (
        "line 1: the fields title, publisher are 60,000 characters together; at most 50,000 are read in one entry"
    )


def test_bibtex_counts_a_macro_at_its_value():
    text = f'@string{{long = "{"x" * 50_001}"}}\n@article{{k, title = {{T}}, journal = long}}'
    [entry] = read_text(text, "bibtex")
    assert entry.error == "line 2: field 'journal' is 50,001 characters; at most 50,000 are read in one entry"


def test_bibtex_skips_fields_it_does_not_keep_however_long():
    abstract = r"Effects \emph{in vivo} of $\beta$-blockers. " * 25_000  # a million characters of markup
    text = f"@article{{k, title = {{T}}, abstract = {{{abstract}}}, keywords = {{{abstract}}}, year = 2020}}"
    [entry] = read_text(text, "bibtex")
    assert entry.error is None
    assert (entry.item["title"], entry.item["issued"]) == ("T", {"date-parts": [[2020]]})


def test_bibtex_blank_lines_in_a_value_are_not_a_missing_comma():
    text = "@article{k, title = {T}, abstract = {{}" + "\n" * 50_000 + "end}, note = {x}\n year = 2020}"
    [entry] = read_text(text, "bibtex")
    assert entry.error == "line 1: missing comma after field 'note'"
    [entry] = read_text(text.replace("{x}\n year", "{x},\n year"), "bibtex")
    assert entry.item["issued"] == {"date-parts": [[2020]]}


def test_bibtex_a_field_named_twice_in_any_case_is_a_duplicate():
    [entry] = read_text("@article{k, title = {One}, Title = {Two}}", "bibtex")
    assert entry.error == "line 1: duplicate field title"


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


def journals(entries):
    assert errors(entries) == []
    return {entry.item["id"]: entry.item.get("container-title") for entry in entries}


def test_bibtex_several_string_macros_on_one_line():
    text = '@string{jama="JAMA"} @string{bmj="BMJ"} @article{k, title={T}, author={Doe, J}, journal=jama, year={2020}}'
    [entry] = read_text(text, "bibtex")
    assert (entry.line, entry.item["container-title"], entry.item["author"]) == (
        1,
        "JAMA",
        [{"family": "Doe", "given": "J"}],
    )


def test_bibtex_several_string_macros_over_several_lines_and_entries():
    text = """@string{jama = "JAMA"}
@string{bmj = {BMJ}}
@STRING{Lancet = {The Lancet}}

@article{a, title = {A}, journal = jama, year = 2020}
@article{b,
  title = {B},
  journal = bmj,
}
@article{c, title = {C}, journal = lancet}
@article{d, title = {D}, journal = {jama}}
"""
    assert journals(read_text(text, "bibtex")) == {"a": "JAMA", "b": "BMJ", "c": "The Lancet", "d": "jama"}


def test_bibtex_a_redefined_string_macro_takes_the_later_definition():
    text = """@string{jama = "JAMA"}
@article{before, title = {Before}, journal = jama}
@string{jama = "Journal of the American Medical Association"}
@article{after, title = {After}, journal = jama}
@string{JAMA = "JAMA Netw"}
@article{again, title = {Again}, journal = jama}
"""
    assert journals(read_text(text, "bibtex")) == {
        "before": "JAMA",
        "after": "Journal of the American Medical Association",
        "again": "JAMA Netw",  # macro names are case-insensitive in BibTeX
    }


def test_bibtex_blocks_that_share_a_line_are_read_one_by_one():
    text = "@article{a, title={A}} @comment{x} @article{b, title={B}}\n@article{c, title={C}} @article{d,\n title={D}}\n"
    entries = read_text(text, "bibtex")
    assert [(entry.line, entry.item["id"]) for entry in entries] == [(1, "a"), (1, "b"), (2, "c"), (2, "d")]


def test_bibtex_skips_comments_preamble_and_text_between_entries():
    text = 'Some notes.\n@preamble{"\\newcommand{\\x}{y}"}\n@comment{x}\n@article{a, title={T}}\n'
    assert [entry.item["id"] for entry in read_text(text, "bibtex")] == ["a"]


def test_bibtex_rejects_a_file_that_is_not_bibtex():
    with pytest.raises(MalformedFile, match="Not a BibTeX file"):
        read_text('[{"title": "Mechanical low back pain"}]', "bibtex")
