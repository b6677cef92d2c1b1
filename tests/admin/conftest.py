"""Shared by the admin tests: the demo site, seeded once, and clients for a superuser and an editor."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from articles.models import Article
from demo import content as demo_content

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


@pytest.fixture(scope="package")
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


