"""One exception handler for the API: every refusal is a clear status, never a 500.

DRF already maps ``Http404`` and Django's ``PermissionDenied``; this adds the workflow's
refusals: a transition the state forbids (``TransitionNotAllowed``, ``ConcurrentTransition``)
and stale content answer 409, and Django's ``ValidationError`` answers 400 with field errors.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django_fsm import ConcurrentTransition, TransitionNotAllowed
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from articles.services import StaleContent


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state of the resource."
    default_code = "conflict"


def exception_handler(exc, context):
    if isinstance(exc, (TransitionNotAllowed, ConcurrentTransition)):
        exc = Conflict(detail=str(exc) or Conflict.default_detail, code="transition_not_allowed")
    elif isinstance(exc, StaleContent):
        exc = Conflict(detail=str(exc), code="stale_content")
    elif isinstance(exc, IntegrityError):
        # A constraint lost a race with a concurrent request: the request conflicts, it is not a bug.
        exc = Conflict(
            detail="A concurrent change conflicts with this request; reload and try again.",
            code="concurrent_change",
        )
    elif isinstance(exc, DjangoValidationError):
        response = Response(as_serializer_error(exc), status=status.HTTP_400_BAD_REQUEST)
        warnings = getattr(exc, "warnings", None)
        if warnings:
            response.data["warnings"] = warnings
        return response
    return drf_exception_handler(exc, context)
