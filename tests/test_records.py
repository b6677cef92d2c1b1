"""Sign-offs, the transition log and publications are records: written once, never changed."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from articles.models import Article, Publication, Status
from reviews.models import SignOff, TransitionLog
from tests import states

pytestmark = pytest.mark.django_db


@pytest.fixture
def signoff(under_review, reviewers):
    return states.sign(under_review, reviewers[0]).signoff


def test_saving_an_existing_signoff_is_refused(signoff):
    signoff.comments = "rewritten later"
    with pytest.raises(ValidationError, match="immutable"):
        signoff.save()
    signoff.refresh_from_db()
    assert signoff.comments == "Looks accurate."


def test_bulk_update_and_delete_of_signoffs_are_refused(signoff):
    with pytest.raises(ValidationError):
        SignOff.objects.filter(pk=signoff.pk).update(comments="x")
    with pytest.raises(ValidationError):
        SignOff.objects.filter(pk=signoff.pk).delete()
    with pytest.raises(ValidationError):
        signoff.delete()
    assert SignOff.objects.filter(pk=signoff.pk, comments="Looks accurate.").exists()


@pytest.mark.parametrize("table", ["reviews_signoff", "reviews_transitionlog"])
def test_the_database_refuses_raw_updates(signoff, table):
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET content_hash = 'forged'")
    assert not SignOff.objects.filter(content_hash="forged").exists()
    assert not TransitionLog.objects.filter(content_hash="forged").exists()


@pytest.mark.postgres
def test_postgresql_refuses_raw_deletes(signoff):
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM reviews_signoff")
    assert SignOff.objects.count() == 1


def test_transition_log_entries_cannot_be_changed(submitted):
    entry = TransitionLog.objects.get(article=submitted)
    entry.comment = "edited"
    with pytest.raises(ValidationError):
        entry.save()


def test_publication_cannot_be_edited(approved):
    publication = Publication.objects.get(article=approved)
    publication.body_html = "<p>tampered</p>"
    with pytest.raises(ValidationError):
        publication.save()
    with pytest.raises(ValidationError):
        Publication.objects.update(title="x")


def test_a_retraction_date_goes_with_the_retracted_status_only(approved):
    # The public reads find retracted articles by their date; the database keeps both in step.
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=approved.pk).update(retracted_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=approved.pk).update(status=Status.RETRACTED)
