"""The admin: the library, the board, and article content saved through the services."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model

from articles.models import Article, Citation, Source, Status
from articles.services import compute_content_hash
from reviews.models import (
    ReviewPolicy,
)
from tests.admin.conftest import admin_url, article, change_data, messages_of

User = get_user_model()

pytestmark = pytest.mark.django_db

# The library and the board -----------------------------------------------------------------


def test_editing_a_source_normalises_identifiers_keeps_a_cited_key_and_records_why(superuser_client):
    source = Source.objects.get(key="will2018")
    data = {
        field: getattr(source, field)
        for field in ("type", "title", "container_title", "container_title_short", "year", "volume")
    }
    data.update(
        key="renamed2018",
        authors=json.dumps(source.authors),
        **{"initial-authors": json.dumps(source.authors)},  # rendered hidden: default=list is callable
        issue="7",
        pages="421-428",
        pmid="30252425",
        doi="https://doi.org/10.1000/XYZ.123",
        **{
            f"{prefix}-{n}": "0"
            for prefix in ("citations", "notices")
            for n in ("TOTAL_FORMS", "INITIAL_FORMS")
        },
    )

    response = superuser_client.post(admin_url(Source, "change", source.pk), data)

    assert response.status_code == 302
    source.refresh_from_db()
    assert (source.key, source.doi, source.pmid) == ("will2018", "10.1000/xyz.123", "30252425")
    latest = source.history.latest()
    assert latest.history_change_reason == "edited: doi"
    assert latest.history_user.username == "admin"


def test_a_second_site_wide_policy_is_refused_on_the_form(superuser_client):
    response = superuser_client.post(
        admin_url(ReviewPolicy, "add"),
        {
            "specialty": "",
            "approvals_required": "3",
            "review_interval_days": "365",
            "assignment_due_days": "14",
        },
    )

    assert response.status_code == 200
    assert "already has a policy" in response.content.decode()
    assert ReviewPolicy.objects.count() == 1


# Article content goes through the services ------------------------------------------------


def test_the_status_is_not_a_field_of_the_article_form(superuser_client):
    draft = article(Status.DRAFT)
    response = superuser_client.get(admin_url(Article, "change", draft.pk))

    form = response.context["adminform"].form
    assert "status" not in form.fields
    assert "title" in form.fields
    # The edit carries the content it was based on, so a concurrent change is not overwritten.
    assert form["loaded_content_hash"].value() == draft.content_hash
    assert 'name="loaded_content_hash"' in response.content.decode()


def test_saving_a_draft_goes_through_the_service_and_ignores_a_posted_status(superuser_client):
    draft = article(Status.DRAFT)
    body = draft.body + "\n\nHeat can help too [@french2006]."

    response = superuser_client.post(
        admin_url(Article, "change", draft.pk), change_data(draft, body=body, status=Status.APPROVED)
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert draft.body == body
    assert draft.content_hash == compute_content_hash(draft)
    assert "french2006" in Citation.objects.filter(article=draft).values_list("source__key", flat=True)
    latest = draft.history.latest()
    assert latest.history_change_reason == "edited: body"
    assert latest.history_user.username == "admin"


def test_content_of_an_article_under_review_is_read_only(superuser_client):
    under_review = article(Status.UNDER_REVIEW)
    before = (under_review.title, under_review.content_hash)

    page = superuser_client.get(admin_url(Article, "change", under_review.pk))
    response = superuser_client.post(
        admin_url(Article, "change", under_review.pk),
        change_data(under_review, title="Changed behind the board's back", status=Status.APPROVED),
    )

    assert "title" not in page.context["adminform"].form.fields
    assert response.status_code == 302
    assert any("Nothing was saved" in m for m in messages_of(response))
    under_review.refresh_from_db()
    assert (under_review.title, under_review.content_hash, under_review.status) == (
        *before,
        Status.UNDER_REVIEW,
    )


def test_an_edit_based_on_stale_content_is_refused_on_the_form(superuser_client):
    draft = article(Status.DRAFT)
    stale_hash = draft.content_hash
    superuser_client.post(admin_url(Article, "change", draft.pk), change_data(draft, summary="First edit."))

    response = superuser_client.post(
        admin_url(Article, "change", draft.pk),
        change_data(draft, summary="Second edit.", loaded_content_hash=stale_hash),
    )

    assert response.status_code == 200
    assert "Someone changed this article after you opened it" in response.content.decode()
    draft.refresh_from_db()
    assert draft.summary == "First edit."


def test_adding_an_article_creates_a_draft_through_the_service(superuser_client):
    bob = User.objects.get(username="bob")
    topic = article(Status.DRAFT).topic

    response = superuser_client.post(
        admin_url(Article, "add"),
        {
            "title": "Sleeping with back pain",
            "slug": "",
            "topic": topic.pk,
            "audience": "patient",
            "authors": [bob.pk],
            "summary": "Positions that ease the back at night.",
            "body": "A pillow between the knees helps some people [@will2018].",
            "_save": "Save",
            "citations-TOTAL_FORMS": "0",
            "citations-INITIAL_FORMS": "0",
            "publications-TOTAL_FORMS": "0",
            "publications-INITIAL_FORMS": "0",
            "review_rounds-TOTAL_FORMS": "0",
            "review_rounds-INITIAL_FORMS": "0",
            "transition_log-TOTAL_FORMS": "0",
            "transition_log-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302
    created = Article.objects.get(slug="sleeping-with-back-pain")
    assert created.status == Status.DRAFT
    assert set(created.authors.values_list("username", flat=True)) == {"admin", "bob"}
    assert created.content_hash == compute_content_hash(created)
    assert list(created.citations.values_list("source__key", flat=True)) == ["will2018"]
    assert created.history.latest().history_change_reason == "draft created"
