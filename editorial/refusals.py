"""What the system answers instead of acting: the refusal types and their HTTP mapping.

The workflow and the services refuse with these; the API (``exception_handler``), the editorial
web app (``reviews.views._common``) and the admin (``articles.admin.base``) answer them from
``refusal_for``, so one refusal is the same status, code and message everywhere:

- not this user (``PermissionDenied``): 403 ``permission_denied``;
- an electronic signature whose password or one-time code is wrong (``SignatureFailed``): 403
  ``signature_failed``;
- not in this state (``TransitionNotAllowed``): 409 ``transition_not_allowed``;
- the caller's copy is stale (``StaleContent``): 409 ``stale_content``;
- a concurrent request won (``ConcurrentTransition``, a unique constraint, a lost lock): 409
  ``concurrent_change``;
- bad input (``ValidationError``, a value the database refuses): 400 with field errors;
- an object that vanished between lookup and lock: 404 ``not_found``;
- a request body over Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (``RequestDataTooBig``): 413
  ``too_large`` (an upload over ``MAX_UPLOAD_SIZE`` never gets this far: ``editorial.limits``).

Anything else is a bug: it is left to Django, which logs it and answers 500.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import (
    NON_FIELD_ERRORS,
    ObjectDoesNotExist,
    PermissionDenied,
    RequestDataTooBig,
    ValidationError,
)
from django.db import DataError, IntegrityError, OperationalError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from django_fsm import ConcurrentTransition, TransitionNotAllowed
from rest_framework import exceptions, status
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from editorial.limits import body_too_large

logger = logging.getLogger(__name__)

__all__ = [
    "REFUSALS",
    "ConcurrentTransition",
    "PermissionDenied",
    "Refusal",
    "SignatureFailed",
    "StaleContent",
    "TransitionNotAllowed",
    "ValidationError",
    "exception_handler",
    "page_not_found",
    "refusal_for",
]


class StaleContent(Exception):
    """The caller worked on an older version of the content than the one stored now."""


class SignatureFailed(PermissionDenied):
    """The password or one-time code given to sign did not prove the signer's identity."""


# Everything a service or a workflow step raises instead of acting (``except REFUSALS``).
REFUSALS = (
    PermissionDenied,
    TransitionNotAllowed,
    ConcurrentTransition,
    StaleContent,
    ValidationError,
    IntegrityError,
)

CONFLICT = "The request conflicts with the current state of the article."
CONCURRENT_CHANGE = "A concurrent change conflicts with this request; reload the article and try again."

# PostgreSQL SQLSTATEs of a transaction that lost to a concurrent one: serialization failure,
# deadlock, lock not available (NOWAIT / lock_timeout).
_CONCURRENCY_SQLSTATES = frozenset({"40001", "40P01", "55P03"})
_SQLITE_LOCKED = ("database is locked", "database table is locked")


@dataclass(frozen=True)
class Refusal:
    """How a refusal is answered: HTTP status, a stable ``code`` and a message for people."""

    status: int
    code: str
    message: str

    @property
    def is_conflict(self) -> bool:
        return self.status == status.HTTP_409_CONFLICT


def _is_lost_race(exc: OperationalError) -> bool:
    sqlstate = getattr(exc.__cause__, "sqlstate", None)
    return sqlstate in _CONCURRENCY_SQLSTATES or str(exc).startswith(_SQLITE_LOCKED)


def refusal_for(exc: BaseException) -> Refusal | None:
    """The answer to ``exc``, or ``None`` when it is not a refusal (a bug, left to Django)."""
    if isinstance(exc, SignatureFailed):
        return Refusal(403, "signature_failed", str(exc) or _("The signature could not be verified."))
    if isinstance(exc, PermissionDenied):
        return Refusal(403, "permission_denied", str(exc) or _("You may not do this."))
    if isinstance(exc, TransitionNotAllowed):
        return Refusal(409, "transition_not_allowed", str(exc) or CONFLICT)
    if isinstance(exc, StaleContent):
        return Refusal(409, "stale_content", str(exc) or CONCURRENT_CHANGE)
    if isinstance(exc, ConcurrentTransition | IntegrityError):
        # A constraint lost a race with a concurrent request: the request conflicts, it is not a bug.
        return Refusal(409, "concurrent_change", CONCURRENT_CHANGE)
    if isinstance(exc, OperationalError) and _is_lost_race(exc):
        return Refusal(409, "concurrent_change", CONCURRENT_CHANGE)
    if isinstance(exc, ValidationError):
        return Refusal(400, "invalid", " ".join(exc.messages))
    if isinstance(exc, DataError):
        # Validation should have caught it; log so the gap gets closed, but answer the client.
        logger.warning("The database refused a value that passed validation", exc_info=exc)
        return Refusal(400, "invalid", _("A value is out of range or malformed."))
    if isinstance(exc, RequestDataTooBig):
        return Refusal(413, "too_large", body_too_large(settings.DATA_UPLOAD_MAX_MEMORY_SIZE))
    if isinstance(exc, Http404 | ObjectDoesNotExist):
        return Refusal(404, "not_found", str(exc) if isinstance(exc, Http404) and exc.args else "")
    return None


# The API -------------------------------------------------------------------------------------


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = CONFLICT
    default_code = "conflict"


class TooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"


class FieldErrors(exceptions.ValidationError):
    """A Django ``ValidationError`` as DRF field errors, keeping the workflow's warnings."""

    def __init__(self, exc: ValidationError):
        errors = as_serializer_error(exc)
        # Model-wide errors (constraints, clean()) come keyed "__all__"; clients know DRF's key.
        if NON_FIELD_ERRORS in errors:
            errors[api_settings.NON_FIELD_ERRORS_KEY] = errors.pop(NON_FIELD_ERRORS)
        super().__init__(errors)
        self.warnings = list(getattr(exc, "warnings", None) or [])


def as_api_exception(exc: Exception) -> Exception:
    """The ``APIException`` that answers a refusal; anything else is returned as it is."""
    if isinstance(exc, exceptions.APIException):
        return exc
    if isinstance(exc, ValidationError):
        return FieldErrors(exc)
    refusal = refusal_for(exc)
    if refusal is None:
        return exc
    if refusal.is_conflict:
        return Conflict(refusal.message, code=refusal.code)
    if refusal.status == 403:
        return exceptions.PermissionDenied(*exc.args[:1], code=refusal.code)
    if refusal.status == 404:
        return exceptions.NotFound(*(exc.args if isinstance(exc, Http404) else ()))
    if refusal.status == 413:
        return TooLarge(refusal.message)
    return exceptions.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [refusal.message]}, code="invalid")


def exception_handler(exc, context):
    """DRF's ``EXCEPTION_HANDLER``: map, answer, and add ``code`` (or ``warnings``) to the body."""
    exc = as_api_exception(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, FieldErrors) and exc.warnings and isinstance(response.data, dict):
        response.data["warnings"] = exc.warnings
    elif isinstance(response.data, dict) and set(response.data) == {"detail"}:
        response.data["code"] = exc.get_codes()
    return response


API_PREFIX = "/api/"


def page_not_found(request, exception):
    """The site's 404 (``handler404``): JSON for an address under the API, else the HTML page.

    The API's own views answer their 404s through ``exception_handler``; this covers addresses
    no route matches (such as a slug with characters a slug cannot have).
    """
    if request.path_info.startswith(API_PREFIX):
        return JsonResponse({"detail": "Not found.", "code": "not_found"}, status=404)
    return defaults.page_not_found(request, exception)
