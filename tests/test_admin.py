"""The admin: every page opens, records stay read-only, content goes through the services and
workflow steps through ``reviews.workflow``."""

from __future__ import annotations

import json
from datetime import date, timedelta
from io import StringIO

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from articles.admin.base import HistoryAdmin
from articles.models import Article, Citation, Publication, Source, SourceNotice, Status
from articles.services import compute_content_hash
from demo import content as demo_content
from reviews.models import (
    NotificationPreference,
    ReminderSent,
    ReviewAssignment,
    ReviewPolicy,
    SignOff,
    TransitionLog,
)

pytestmark = pytest.mark.django_db

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

User = get_user_model()
REGISTERED = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
OURS = [
    (model, model_admin)
    for model, model_admin in REGISTERED
    if model._meta.app_label in ("articles", "reviews")
]


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed the demo once for the module (it takes a second); rolled back when the module ends."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = StringIO()
        with override_settings(PASSWORD_HASHERS=FAST_HASHERS):  # as conftest's per-test fixture
            call_command("seed_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def demo(seeded, db):
    """The seeded demo; each test runs in a savepoint that is rolled back after it."""
    return seeded


@pytest.fixture
def superuser_client(demo, client):
    client.force_login(User.objects.get(username="admin"))
    return client


@pytest.fixture
def editor_client(demo, client):
    client.force_login(User.objects.get(username="eve"))
    return client


def article(target: str) -> Article:
    return Article.objects.get(slug=next(s.slug for s in demo_content.ARTICLES if s.target == target))


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def change_data(article: Article, **overrides) -> dict:
    """The change form as the admin renders it for an editable article, plus ``overrides``."""
    data = {
        "title": article.title,
        "topic": article.topic_id,
        "audience": article.audience,
        "summary": article.summary,
        "body": article.body,
        "attached_sources": [s.pk for s in article.attached_sources.all()],
        "loaded_content_hash": article.content_hash,
        "_save": "Save",
    }
    for prefix in ("citations", "publications", "review_rounds", "transition_log"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.update(overrides)
    return data


# Every page opens ---------------------------------------------------------------------------

ROWS_THE_DEMO_LACKS = {
    SourceNotice: lambda: SourceNotice.objects.record(
        source=Source.objects.get(key="will2018"), kind="correction", notice="https://example.org/erratum"
    ),
    NotificationPreference: lambda: NotificationPreference.objects.create(
        user=User.objects.get(username="dr_chen"), kind="assigned", email=False
    ),
    ReminderSent: lambda: ReminderSent.objects.create(
        assignment=ReviewAssignment.objects.filter(status="assigned").first(), stage="due_soon"
    ),
}


@pytest.mark.parametrize(("model", "model_admin"), REGISTERED, ids=[m._meta.label for m, _ in REGISTERED])
def test_every_changelist_opens_and_searches(superuser_client, model, model_admin):
    assert superuser_client.get(admin_url(model, "changelist")).status_code == 200
    if model_admin.search_fields:
        assert superuser_client.get(admin_url(model, "changelist"), {"q": "back"}).status_code == 200


@pytest.mark.parametrize(("model", "model_admin"), OURS, ids=[m._meta.label for m, _ in OURS])
def test_every_change_page_opens(superuser_client, model, model_admin):
    if not model._default_manager.exists():
        ROWS_THE_DEMO_LACKS[model]()
    objects = list(model._default_manager.all())
    for obj in objects[:10]:
        response = superuser_client.get(admin_url(model, "change", obj.pk))
        assert response.status_code == 200, obj
        if isinstance(model_admin, HistoryAdmin):
            assert superuser_client.get(admin_url(model, "history", obj.pk)).status_code == 200


@pytest.mark.parametrize(("model", "model_admin"), OURS, ids=[m._meta.label for m, _ in OURS])
def test_add_page_opens_exactly_where_adding_is_allowed(superuser_client, model, model_admin):
    response = superuser_client.get(admin_url(model, "add"))

    assert response.status_code == (200 if model_admin.has_add_permission(response.wsgi_request) else 403)


def test_an_editor_works_in_the_admin_through_her_group(editor_client):
    for model in (Article, Source, SignOff, TransitionLog):
        assert editor_client.get(admin_url(model, "changelist")).status_code == 200
    page = editor_client.get(admin_url(Article, "changelist")).content.decode()
    assert 'value="retract"' in page and 'value="flag_for_rereview"' in page


def test_earlier_versions_are_shown_but_never_restored(superuser_client):
    draft = article(Status.DRAFT)
    record = draft.history.earliest()
    url = reverse("admin:articles_article_simple_history", args=(draft.pk, record.history_id))

    assert superuser_client.get(url).status_code == 200
    assert superuser_client.post(url, change_data(draft, title="Restored")).status_code == 403
    draft.refresh_from_db()
    assert draft.title != "Restored"


# Records are read-only ----------------------------------------------------------------------


def test_a_signoff_cannot_be_changed_or_deleted(superuser_client):
    signoff = SignOff.objects.order_by("pk").first()
    before = (signoff.decision, signoff.comments, signoff.content_hash)

    changed = superuser_client.post(
        admin_url(SignOff, "change", signoff.pk), {"decision": "request_changes", "comments": "rewritten"}
    )
    delete_page = superuser_client.get(admin_url(SignOff, "delete", signoff.pk))
    deleted = superuser_client.post(admin_url(SignOff, "delete", signoff.pk), {"post": "yes"})

    assert (changed.status_code, delete_page.status_code, deleted.status_code) == (403, 403, 403)
    signoff.refresh_from_db()
    assert (signoff.decision, signoff.comments, signoff.content_hash) == before
    page = superuser_client.get(admin_url(SignOff, "changelist")).content.decode()
    assert 'value="delete_selected"' not in page


def test_transition_log_entries_cannot_be_changed(superuser_client):
    entry = TransitionLog.objects.order_by("pk").first()

    response = superuser_client.post(admin_url(TransitionLog, "change", entry.pk), {"comment": "edited"})

    assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.comment != "edited"


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
