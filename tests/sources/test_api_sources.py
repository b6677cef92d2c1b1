"""The sources API: list, search, detail with "cited by", create and update with clear refusals."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from articles import services
from articles.library import sources as library_sources
from articles.models import Source, Status
from reviews import workflow
from tests import factories
from tests.sources.conftest import approved_citing, citing_article, client_for

pytestmark = pytest.mark.django_db

SOURCES = "/api/v1/editorial/sources/"


def test_the_library_is_for_signed_in_users_only(will):
    assert APIClient().get(SOURCES).status_code in (401, 403)


def test_list_searches_words_and_identifiers(author_api, will, mehra):
    factories.SourceFactory(
        key="nice2016", title="Low back pain and sciatica in over 16s", type="guideline", year=2016
    )

    def keys(**params):
        response = author_api.get(SOURCES, params)
        assert response.status_code == 200, response.data
        return [row["key"] for row in response.data["results"]]

    assert keys() == ["mehra2020", "nice2016", "will2018"]
    assert keys(q="back pain") == ["nice2016", "will2018"]
    assert keys(q="Ruschitzka") == ["mehra2020"]  # an author
    assert keys(q="https://doi.org/10.1016/S0140-6736(20)31180-6") == ["mehra2020"]
    assert keys(q="PMID:30252425") == ["will2018"]
    assert keys(doi="doi:10.1016/S0140-6736(20)31180-6") == ["mehra2020"]
    assert keys(type="guideline") == ["nice2016"]
    assert keys(type=["guideline", "cohort_study"]) == ["mehra2020", "nice2016"]
    assert keys(year_min=2019) == ["mehra2020"]
    assert keys(ordering="-year") == ["mehra2020", "will2018", "nice2016"]


def test_list_filters_retracted_and_cited(author_api, author, topic, will, mehra):
    mehra.retracted_on = mehra.created_at.date()
    mehra.save()
    citing_article(will, author=author, topic=topic)

    assert [r["key"] for r in author_api.get(SOURCES, {"retracted": "true"}).data["results"]] == ["mehra2020"]
    assert [r["key"] for r in author_api.get(SOURCES, {"cited": "true"}).data["results"]] == ["will2018"]
    assert [r["key"] for r in author_api.get(SOURCES, {"cited": "false"}).data["results"]] == ["mehra2020"]


def test_a_malformed_identifier_filter_is_a_400(author_api):
    response = author_api.get(SOURCES, {"doi": "not-a-doi"})

    assert response.status_code == 400
    assert "'not-a-doi' is not a DOI" in response.data["doi"][0]


def test_list_rows_carry_the_ama_reference_without_a_query_per_row(
    author_api, will, django_assert_max_num_queries
):
    factories.SourceFactory.create_batch(10)

    with django_assert_max_num_queries(6):
        response = author_api.get(SOURCES)

    row = next(r for r in response.data["results"] if r["key"] == "will2018")
    assert (
        row["formatted"]
        == "Will JS, Bury DC, Miller JA. Mechanical low back pain. Am Fam Physician. 2018;98(7):421-428."
    )
    assert row["retracted"] is False


def test_detail_lists_the_citing_articles_and_live_publications(
    editor_api, author, coauthor, editor, reviewers, topic, mehra
):
    published = approved_citing(mehra, author=author, editor=editor, reviewers=reviewers, topic=topic)
    draft = citing_article(mehra, author=coauthor, topic=topic, title="Antimalarials in lupus")

    data = editor_api.get(f"{SOURCES}{mehra.pk}/").data

    assert data["cited_by"]["articles"] == [
        {"id": draft.pk, "title": "Antimalarials in lupus", "status": "draft"},
        {"id": published.pk, "title": "Back spasms during chemotherapy", "status": "approved"},
    ]
    publication = published.publications.get()
    assert data["cited_by"]["publications"] == [
        {
            "slug": publication.slug,
            "title": publication.title,
            "approved_at": data["cited_by"]["publications"][0]["approved_at"],
        }
    ]


def test_cited_by_shows_only_the_articles_the_caller_may_see(author, coauthor, topic, mehra):
    citing_article(mehra, author=coauthor, topic=topic, title="Someone else's draft")
    own = citing_article(mehra, author=author, topic=topic, title="My draft")

    data = client_for(author).get(f"{SOURCES}{mehra.pk}/").data

    assert [row["id"] for row in data["cited_by"]["articles"]] == [own.pk]


def test_a_live_publication_keeps_citing_while_its_revision_drops_the_source(
    editor_api, author, editor, reviewers, topic, mehra
):
    article = approved_citing(mehra, author=author, editor=editor, reviewers=reviewers, topic=topic)
    article = workflow.revise(actor=author, article=article)
    services.article_update_content(actor=author, article=article, changes={"body": "No sources any more."})

    data = editor_api.get(f"{SOURCES}{mehra.pk}/").data

    assert data["cited_by"]["articles"] == []
    assert [row["slug"] for row in data["cited_by"]["publications"]] == [article.slug]


def test_create_answers_201_with_the_formatted_reference(author_api):
    response = author_api.post(
        SOURCES,
        {
            "type": "review",
            "title": "Mechanical low back pain",
            "authors": [
                {"family": "Will", "given": "Jeffrey S"},
                {"family": "Bury", "given": "David C"},
                {"family": "Miller", "given": "John A"},
            ],
            "container_title": "American Family Physician",
            "container_title_short": "Am Fam Physician",
            "year": 2018,
            "volume": "98",
            "issue": "7",
            "pages": "421-428",
            "pmid": "30252425",
        },
        format="json",
    )

    assert response.status_code == 201, response.data
    assert response.data["id"]
    assert response.data["key"] == "will2018"
    assert response.data["formatted"] == (
        "Will JS, Bury DC, Miller JA. Mechanical low back pain. Am Fam Physician. 2018;98(7):421-428."
    )
    assert response.data["cited_by"] == {"articles": [], "publications": []}


def test_create_names_a_bad_identifier(author_api):
    response = author_api.post(SOURCES, {"title": "A trial", "doi": "10.1016"}, format="json")

    assert response.status_code == 400
    assert response.data["doi"] == ["'10.1016' is not a DOI: a DOI looks like 10.1234/abc"]


@pytest.mark.parametrize("doi", ['10.1234/abc"><script>alert(1)</script>', "10.1234/abc<script>"])
def test_create_refuses_a_doi_with_markup_naming_the_field(author_api, doi):
    response = author_api.post(SOURCES, {"title": "Markup in a DOI", "doi": doi}, format="json")

    assert response.status_code == 400
    assert response.data["doi"] == [
        f"{doi!r} is not a DOI: a DOI looks like 10.1234/abc, "
        "with no spaces, quotes, angle brackets or control characters"
    ]
    assert not Source.objects.exists()


def test_create_names_the_existing_source_for_a_duplicate(author_api, mehra):
    response = author_api.post(
        SOURCES,
        {"title": "Same paper", "doi": "https://doi.org/10.1016/S0140-6736(20)31180-6"},
        format="json",
    )

    assert response.status_code == 400
    assert f"already belongs to source {mehra.pk}: [@mehra2020]" in response.data["doi"][0]
    assert response.data["existing_source"] == {"id": mehra.pk, "key": "mehra2020", "title": mehra.title}


def test_a_lost_race_answers_the_same_400_not_a_500(author_api, mehra, monkeypatch):
    real_find = library_sources.find_duplicate
    calls = []

    def blind_first_time(source):
        calls.append(source)
        return None if len(calls) == 1 else real_find(source)

    monkeypatch.setattr(library_sources, "find_duplicate", blind_first_time)

    response = author_api.post(SOURCES, {"title": "Same paper", "pmid": "32450107"}, format="json")

    assert response.status_code == 400
    assert response.data["existing_source"]["id"] == mehra.pk
    assert "PMID 32450107 already belongs" in response.data["pmid"][0]


def test_create_refuses_unknown_and_read_only_fields(author_api):
    response = author_api.post(SOURCES, {"title": "A trial", "retracted_on": "2020-01-01"}, format="json")

    assert response.status_code == 400
    assert "retracted_on" in response.data


def test_an_author_needs_a_family_name_or_a_literal(author_api):
    response = author_api.post(SOURCES, {"title": "A trial", "authors": [{"given": "Jan"}]}, format="json")

    assert response.status_code == 400
    assert "authors" in response.data


def test_reviewers_without_writing_rights_cannot_add(reviewers):
    response = client_for(reviewers[0].user).post(SOURCES, {"title": "A trial"}, format="json")

    assert response.status_code == 403


def test_patch_corrects_a_source_and_refuses_a_duplicate(author_api, will, mehra):
    response = author_api.patch(f"{SOURCES}{will.pk}/", {"issue": "7", "pages": "421-429"}, format="json")
    assert response.status_code == 200, response.data
    assert response.data["pages"] == "421-429"

    response = author_api.patch(f"{SOURCES}{will.pk}/", {"pmid": "32450107"}, format="json")
    assert response.status_code == 400
    assert response.data["existing_source"]["key"] == "mehra2020"


def test_only_an_editor_may_change_a_source_cited_by_an_approved_article(
    author_api, editor_api, author, editor, reviewers, topic, will
):
    article = approved_citing(will, author=author, editor=editor, reviewers=reviewers, topic=topic)
    assert article.status == Status.APPROVED

    assert author_api.patch(f"{SOURCES}{will.pk}/", {"pages": "1"}, format="json").status_code == 403
    assert editor_api.patch(f"{SOURCES}{will.pk}/", {"pages": "421-429"}, format="json").status_code == 200
