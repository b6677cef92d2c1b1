"""Exporting sources and an article's references; an import of an export gives the same sources back."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from django.core.management import call_command

from articles.library import importing
from articles.models import Source
from tests import factories
from tests.sources.conftest import citing_article, client_for

pytestmark = pytest.mark.django_db

EXPORT = "/api/v1/editorial/sources/export/"
FIELDS = (
    "key",
    "type",
    "title",
    "authors",
    "container_title",
    "container_title_short",
    "year",
    "volume",
    "issue",
    "pages",
    "doi",
    "pmid",
    "pmcid",
    "url",
    "publisher",
    "accessed",
)


def body(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8")


@pytest.fixture
def library(db):
    """Sources of every kind an article cites, with the characters that trip exporters up."""
    return [
        factories.SourceFactory(
            key="will2018",
            type="review",
            title="Mechanical low back pain",
            authors=[
                {"family": "Will", "given": "Jeffrey S"},
                {"family": "Bury", "given": "David C"},
                {"family": "Miller", "given": "John A"},
            ],
            pmid="30252425",
        ),
        factories.SourceFactory(
            key="ozturk2019",
            type="meta_analysis",
            title="Opioid-sparing analgesia for NSAID-intolerant patients: 50% fewer {events} & more",
            authors=[{"family": "Öztürk", "given": "Ayşe"}, {"family": "Müller", "given": "Jörg"}],
            container_title="Pain Medicine",
            container_title_short="Pain Med",
            year=2019,
            volume="20",
            issue="11",
            pages="2190-2201",
            doi="10.1093/pm/pnz088",
            pmcid="PMC6924321",
        ),
        factories.SourceFactory(
            key="nice2016",
            type="guideline",
            title="Low back pain and sciatica in over 16s: assessment and management",
            authors=[{"literal": "National Institute for Health and Care Excellence"}],
            container_title="",
            container_title_short="",
            year=2016,
            volume="",
            issue="",
            pages="",
            url="https://www.nice.org.uk/guidance/ng59",
            publisher="National Institute for Health and Care Excellence",
            accessed=date(2024, 3, 5),
        ),
        factories.SourceFactory(
            key="lincoff2023",
            type="randomized_trial",
            title="Semaglutide and cardiovascular outcomes in obesity without diabetes",
            authors=[{"family": "Lincoff", "given": "A Michael"}, {"literal": "SELECT Trial Investigators"}],
            container_title="The New England Journal of Medicine",
            container_title_short="N Engl J Med",
            year=2023,
            volume="389",
            issue="24",
            pages="2221-2232",
            doi="10.1056/nejmoa2307563",
            pmid="37952131",
        ),
        factories.SourceFactory(
            key="hall2021",
            type="textbook",
            title="Guyton and Hall Textbook of Medical Physiology",
            authors=[{"family": "Hall", "given": "John E"}],
            container_title="",
            container_title_short="",
            year=2021,
            volume="",
            issue="",
            pages="",
            publisher="Elsevier",
        ),
    ]


def snapshot(sources) -> dict:
    return {s.key: tuple(getattr(s, name) for name in FIELDS) for s in sources}


@pytest.mark.parametrize(
    ("fmt", "media_type", "filename", "marker"),
    [
        ("bibtex", "application/x-bibtex", "sources.bib", "@article{will2018,"),
        ("ris", "application/x-research-info-systems", "sources.ris", "TY  - JOUR"),
        ("csl-json", "application/vnd.citationstyles.csl+json", "sources.json", '"id": "will2018"'),
    ],
)
def test_export_streams_a_file_in_each_format(author_api, library, fmt, media_type, filename, marker):
    response = author_api.get(EXPORT, {"format": fmt})

    assert response.status_code == 200
    assert response["Content-Type"] == f"{media_type}; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert marker in body(response)


def test_export_of_chosen_ids(author_api, library):
    will, ozturk = library[0], library[1]

    text = body(author_api.get(EXPORT, {"format": "csl-json", "ids": f"{will.pk},{ozturk.pk}"}))

    assert [item["id"] for item in json.loads(text)] == ["ozturk2019", "will2018"]


def test_export_applies_the_list_filters(author_api, library):
    text = body(author_api.get(EXPORT, {"format": "csl-json", "type": "guideline"}))

    assert [item["id"] for item in json.loads(text)] == ["nice2016"]


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"format": "endnote"}, "format", "Choose one of bibtex, ris, csl-json."),
        ({}, "format", "Choose one of bibtex, ris, csl-json."),
        ({"format": "ris", "ids": "1,x"}, "ids", "Give source ids as numbers"),
        ({"format": "ris", "ids": "999999"}, "ids", "No source has the id 999999."),
    ],
)
def test_export_refuses_bad_parameters_with_400(author_api, library, params, field, message):
    response = author_api.get(EXPORT, params)

    assert response.status_code == 400
    assert message in response.json()[field][0]


def test_article_references_in_citation_order_as_json_and_files(author, topic, library):
    will, ozturk = library[0], library[1]
    article = factories.ArticleFactory(
        author=author, topic=topic, body="Pain [@ozturk2019] and back pain [@will2018; @ozturk2019]."
    )
    url = f"/api/v1/editorial/articles/{article.pk}/references/"
    api = client_for(author)

    data = api.get(url).json()
    assert [(r["number"], r["key"], r["source"]) for r in data] == [
        (1, "ozturk2019", ozturk.pk),
        (2, "will2018", will.pk),
    ]
    assert (
        data[1]["formatted"]
        == "Will JS, Bury DC, Miller JA. Mechanical low back pain. Am Fam Physician. 2018;98(7):421-428."
    )

    response = api.get(url, {"format": "ris"})
    assert response["Content-Disposition"] == f'attachment; filename="{article.slug}-references.ris"'
    assert [line for line in body(response).splitlines() if line.startswith("ID  - ")] == [
        "ID  - ozturk2019",
        "ID  - will2018",
    ]


def test_article_references_of_an_article_the_caller_may_not_see_are_a_404(author, coauthor, topic, library):
    article = citing_article(library[0], author=coauthor, topic=topic)

    response = client_for(author).get(
        f"/api/v1/editorial/articles/{article.pk}/references/", {"format": "ris"}
    )

    assert response.status_code == 404


@pytest.mark.parametrize("fmt", ["bibtex", "ris", "csl-json"])
def test_round_trip_into_an_empty_library_gives_the_same_sources(author_api, library, fmt):
    before = snapshot(library)
    exported = body(author_api.get(EXPORT, {"format": fmt}))
    Source.objects.all().delete()

    summary = importing.import_sources(io.StringIO(exported), fmt)

    assert summary.imported and summary.rejected == []
    assert snapshot(Source.objects.all()) == before


@pytest.mark.parametrize("fmt", ["bibtex", "ris", "csl-json"])
def test_round_trip_into_the_same_library_matches_every_source(author_api, library, fmt):
    exported = body(author_api.get(EXPORT, {"format": fmt}))

    summary = importing.import_sources(io.StringIO(exported), fmt)

    assert summary.created_count == 0
    assert sorted(row["id"] for row in summary.matched) == sorted(s.pk for s in library)


def test_export_command_writes_a_file_that_imports_back(library, tmp_path):
    target = tmp_path / "library.bib"
    call_command("export_sources", "--format", "bibtex", "-o", str(target))
    before = snapshot(library)
    Source.objects.all().delete()

    call_command("import_sources", str(target), "--no-progress", stdout=io.StringIO())

    assert snapshot(Source.objects.all()) == before


def test_export_command_to_stdout_for_an_article(author, topic, library):
    article = citing_article(library[0], author=author, topic=topic)
    out = io.StringIO()

    call_command("export_sources", "--format", "ris", "--article", str(article.pk), stdout=out)

    assert out.getvalue().startswith("TY  - JOUR\nID  - will2018\n")


def test_ids_beyond_a_64_bit_integer_are_refused_not_overflowed(author_api, author):
    assert author_api.get(f"/api/v1/editorial/sources/{10**20}/").status_code == 404
    assert author_api.get(f"/api/v1/editorial/articles/{10**20}/references/").status_code == 404
    response = author_api.get(EXPORT, {"format": "ris", "ids": str(10**20)})
    assert response.status_code == 400
