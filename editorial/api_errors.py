"""One exception handler for the API: every refusal is a clear status, never a 500.

DRF maps its own exceptions, ``Http404`` and Django's ``PermissionDenied``. This adds the
refusals of the workflow and of the database:

- a transition the state forbids (``TransitionNotAllowed``), a concurrent transition
  (``ConcurrentTransition``), stale content (``StaleContent``), a unique constraint or a lock
  lost to a concurrent request: 409, with a ``code`` telling a client whether to reload;
- Django's ``ValidationError`` (a rule in a service or the workflow): 400 with field errors,
  plus the citation check's ``warnings`` when there are any;
- an object that vanished between lookup and lock (``ObjectDoesNotExist``): 404;
- a value the database refuses (``DataError``) that validation let through: 400.

Every answer that is not a field-error dictionary carries ``detail`` and ``code``.
Anything else is a bug: it is left to Django, which logs it and answers 500.
"""

from __future__ import annotations

import logging

from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError, OperationalError
from django.http import Http404, JsonResponse
from django.views import defaults
from django_fsm import ConcurrentTransition, TransitionNotAllowed
from rest_framework import exceptions, status
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from articles.services import StaleContent

logger = logging.getLogger(__name__)

# PostgreSQL SQLSTATEs of a transaction that lost to a concurrent one: serialization failure,
# deadlock, lock not available (NOWAIT / lock_timeout).
_CONCURRENCY_SQLSTATES = frozenset({"40001", "40P01", "55P03"})
_SQLITE_LOCKED = ("database is locked", "database table is locked")


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state of the article."
    default_code = "conflict"


class FieldErrors(exceptions.ValidationError):
    """A Django ``ValidationError`` as DRF field errors, keeping the workflow's warnings."""

    def __init__(self, exc: DjangoValidationError):
        errors = as_serializer_error(exc)
        # Model-wide errors (constraints, clean()) come keyed "__all__"; clients know DRF's key.
        if NON_FIELD_ERRORS in errors:
            errors[api_settings.NON_FIELD_ERRORS_KEY] = errors.pop(NON_FIELD_ERRORS)
        super().__init__(errors)
        self.warnings = list(getattr(exc, "warnings", None) or [])


CONCURRENT_CHANGE = "A concurrent change conflicts with this request; reload the article and try again."


def _is_lost_race(exc: OperationalError) -> bool:
    sqlstate = getattr(exc.__cause__, "sqlstate", None)
    return sqlstate in _CONCURRENCY_SQLSTATES or str(exc).startswith(_SQLITE_LOCKED)


def as_api_exception(exc: Exception) -> Exception:
    """Translate a domain or database refusal into the ``APIException`` that answers it."""
    if isinstance(exc, exceptions.APIException):
        return exc
    if isinstance(exc, TransitionNotAllowed):
        return Conflict(str(exc) or Conflict.default_detail, code="transition_not_allowed")
    if isinstance(exc, StaleContent):
        return Conflict(str(exc) or CONCURRENT_CHANGE, code="stale_content")
    if isinstance(exc, ConcurrentTransition):
        return Conflict(CONCURRENT_CHANGE, code="concurrent_change")
    if isinstance(exc, IntegrityError):
        # A constraint lost a race with a concurrent request: the request conflicts, it is not a bug.
        return Conflict(CONCURRENT_CHANGE, code="concurrent_change")
    if isinstance(exc, OperationalError) and _is_lost_race(exc):
        return Conflict(CONCURRENT_CHANGE, code="concurrent_change")
    if isinstance(exc, DjangoValidationError):
        return FieldErrors(exc)
    if isinstance(exc, DataError):
        # Validation should have caught it; log so the gap gets closed, but answer the client.
        logger.warning("The database refused a value that passed validation", exc_info=exc)
        return exceptions.ValidationError(
            {api_settings.NON_FIELD_ERRORS_KEY: ["A value is out of range or malformed."]}, code="invalid"
        )
    if isinstance(exc, Http404):
        return exceptions.NotFound(*exc.args)
    if isinstance(exc, ObjectDoesNotExist):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(*exc.args)
    return exc


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
