"""One mapping of refusals to answers (``editorial.refusals``): each domain and database refusal
gets its status and code, field errors keep their shape, and a real bug is left to Django."""

from __future__ import annotations

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError, OperationalError
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from editorial.refusals import StaleContent, exception_handler
from reviews.workflow import CitationErrors

pytestmark = pytest.mark.django_db


class _LostRace(Exception):
    sqlstate = "40P01"  # deadlock_detected, as psycopg reports it


def _operational_error(cause: Exception) -> OperationalError:
    error = OperationalError("deadlock detected")
    error.__cause__ = cause
    return error


@pytest.mark.parametrize(
    ("exc", "status_code", "code"),
    [
        (TransitionNotAllowed("Cannot approve now."), 409, "transition_not_allowed"),
        (ConcurrentTransition("stale"), 409, "concurrent_change"),
        (StaleContent("Reload."), 409, "stale_content"),
        (IntegrityError("duplicate key value violates unique constraint"), 409, "concurrent_change"),
        (_operational_error(_LostRace()), 409, "concurrent_change"),
        (OperationalError("database is locked"), 409, "concurrent_change"),
        (ObjectDoesNotExist("gone"), 404, "not_found"),
        (PermissionDenied("Only an editor may do that."), 403, "permission_denied"),
        (DataError("integer out of range"), 400, None),
    ],
)
def test_the_handler_answers_each_refusal_with_its_status(exc, status_code, code):
    response = exception_handler(exc, {})

    assert response.status_code == status_code
    if code:
        assert response.data["code"] == code
        assert response.data["detail"]


def test_the_handler_keeps_field_errors_and_citation_warnings():
    exc = CitationErrors(["Unknown citation key [@x]."], ["Source [@y] is attached but never cited."])

    response = exception_handler(exc, {})

    assert response.status_code == 400
    assert response.data == {
        "citations": ["Unknown citation key [@x]."],
        "warnings": ["Source [@y] is attached but never cited."],
    }


def test_the_handler_answers_model_wide_errors_under_drfs_key():
    response = exception_handler(DjangoValidationError("Sign-off records are immutable."), {})

    assert response.status_code == 400
    assert response.data == {"non_field_errors": ["Sign-off records are immutable."]}
    keyed = exception_handler(DjangoValidationError({NON_FIELD_ERRORS: ["This policy already exists."]}), {})
    assert keyed.data == {"non_field_errors": ["This policy already exists."]}


def test_the_handler_leaves_a_real_bug_and_a_lost_connection_to_django():
    assert exception_handler(ZeroDivisionError(), {}) is None
    assert exception_handler(OperationalError("server closed the connection unexpectedly"), {}) is None
