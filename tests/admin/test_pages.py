"""The admin: every page opens, and the records the workflow writes stay read-only."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from articles.admin.base import HistoryAdmin
from articles.models import Article, Source, SourceNotice, Status
from reviews.models import (
    NotificationPreference,
    ReminderSent,
    ReviewAssignment,
    SignOff,
    TransitionLog,
)
from tests.admin.conftest import OURS, REGISTERED, admin_url, article, change_data

User = get_user_model()

pytestmark = pytest.mark.django_db

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
