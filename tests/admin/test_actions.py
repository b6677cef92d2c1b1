"""The admin's workflow actions: each calls ``reviews.workflow`` and reports per row."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model

from articles.models import Article, Publication, Source, Status
from reviews.models import (
    TransitionLog,
)
from tests.admin.conftest import admin_url, article, messages_of

User = get_user_model()

pytestmark = pytest.mark.django_db

# Workflow actions call reviews.workflow ------------------------------------------------------


def test_retract_action_asks_for_a_notice_then_retracts_and_logs(superuser_client):
    approved = article(Status.APPROVED)
    url = admin_url(Article, "changelist")
    selection = {"action": "retract", "_selected_action": [approved.pk]}

    page = superuser_client.post(url, {**selection, "index": "0"})
    assert page.status_code == 200
    assert "Retraction notice" in page.content.decode()
    approved.refresh_from_db()
    assert approved.status == Status.APPROVED

    response = superuser_client.post(
        url, {**selection, "apply": "Retract", "text": "Withdrawn: dosing error."}
    )

    assert response.status_code == 302
    approved.refresh_from_db()
    assert approved.status == Status.RETRACTED
    assert approved.retraction_notice == "Withdrawn: dosing error."
    entry = approved.transition_log.latest("at")
    assert (entry.action, entry.from_status, entry.to_status, entry.actor.username, entry.comment) == (
        "retract",
        Status.APPROVED,
        Status.RETRACTED,
        "admin",
        "Withdrawn: dosing error.",
    )
    assert messages_of(response) == [f"{approved}: retracted."]


def test_an_action_reports_each_article_done_or_refused(editor_client):
    approved, draft = article(Status.APPROVED), article(Status.DRAFT)
    logged = TransitionLog.objects.count()

    response = editor_client.post(
        admin_url(Article, "changelist"),
        {
            "action": "flag_for_rereview",
            "_selected_action": [approved.pk, draft.pk],
            "apply": "Flag",
            "text": "New trial data on heat therapy.",
        },
    )

    approved.refresh_from_db()
    draft.refresh_from_db()
    assert (approved.status, draft.status) == (Status.REVIEW_DUE, Status.DRAFT)
    assert TransitionLog.objects.count() == logged + 1
    assert approved.transition_log.latest("at").actor.username == "eve"
    found = messages_of(response)
    assert f"{approved}: flagged for re-review." in found
    assert any(m.startswith(f"{draft}: Cannot flag for rereview: the article is Draft") for m in found)


def test_start_review_without_enough_reviewers_is_refused_and_changes_nothing(superuser_client):
    submitted = article(Status.SUBMITTED)  # one reviewer assigned; the policy needs two

    response = superuser_client.post(
        admin_url(Article, "changelist"),
        {"action": "start_review", "_selected_action": [submitted.pk], "index": "0"},
    )

    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED
    assert not submitted.transition_log.filter(action="start_review").exists()
    assert messages_of(response) == [
        f"{submitted}: A review round needs at least 2 eligible reviewers; 1 are assigned."
    ]


def test_assign_then_start_review_through_the_admin(superuser_client):
    submitted = article(Status.SUBMITTED)
    dr_chen = User.objects.get(username="dr_chen").board_member
    url = admin_url(Article, "changelist")

    superuser_client.post(
        url,
        {
            "action": "assign_reviewer",
            "_selected_action": [submitted.pk],
            "apply": "Assign",
            "reviewer": dr_chen.pk,
        },
    )
    superuser_client.post(url, {"action": "start_review", "_selected_action": [submitted.pk], "index": "0"})

    submitted.refresh_from_db()
    assert submitted.status == Status.UNDER_REVIEW
    assert list(submitted.transition_log.values_list("action", flat=True)) == ["submit", "start_review"]


def test_mark_source_retracted_sends_citing_approved_articles_back(superuser_client):
    source = Source.objects.get(key="oronsky2017")  # cited by the approved showcase article
    showcase = article(Status.APPROVED)

    response = superuser_client.post(
        admin_url(Source, "changelist"),
        {
            "action": "mark_retracted",
            "_selected_action": [source.pk],
            "apply": "Mark retracted",
            "retracted_on": (date.today() - timedelta(days=30)).isoformat(),
            "notice": "10.1007/s00280-026-0000-0",
            "reason": "Data could not be verified.",
        },
    )

    source.refresh_from_db()
    showcase.refresh_from_db()
    assert source.is_retracted
    assert showcase.status == Status.REVIEW_DUE
    assert messages_of(response) == [
        f"{source}: marked retracted; 1 approved article(s) sent back for review."
    ]


def test_workflow_actions_are_offered_to_editors_only(demo, client):
    staff_author = User.objects.get(username="alice")
    staff_author.is_staff = True
    staff_author.save()
    client.force_login(staff_author)

    page = client.get(admin_url(Article, "changelist"))

    assert page.status_code == 200  # the Authors group may view articles
    assert 'value="retract"' not in page.content.decode()


def test_a_duplicate_doi_in_the_source_form_names_the_existing_source(admin_client):
    from articles.models import Source
    from tests import factories

    existing = factories.SourceFactory(key="dup-check-original", doi="10.1000/back.pain")
    response = admin_client.post(
        "/admin/articles/source/add/",
        {"key": "will-again", "type": "review", "title": "Same paper", "authors": "[]",
         "doi": "https://doi.org/10.1000/BACK.PAIN"},
    )
    assert response.status_code == 200
    assert "already belongs to source" in response.content.decode()
    assert f"[@{existing.key}]" in response.content.decode()
    assert not Source.objects.filter(key="will-again").exists()


def test_a_publication_shows_the_sources_behind_its_references(superuser_client):
    publication = Publication.objects.filter(published_citations__isnull=False).first()
    link = publication.published_citations.select_related("source").order_by("number").first()

    page = superuser_client.get(admin_url(Publication, "change", publication.pk)).content.decode()

    assert "Published citations" in page and str(link.source) in page
