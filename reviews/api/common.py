"""What the editorial API's views share: the documented refusals, input, conditions."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse

from reviews.serializers.base import ErrorSerializer

REFUSALS = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description="Field errors: {field: [message, ...]}."),
    401: OpenApiResponse(ErrorSerializer, description="No or invalid credentials."),
    403: OpenApiResponse(ErrorSerializer, description="Your role may not do this."),
    404: OpenApiResponse(ErrorSerializer, description="No such article, or not one you may see."),
    409: OpenApiResponse(
        ErrorSerializer, description="The article's state, or a concurrent change, forbids this now."
    ),
}


# The article's records are whole lists of one article: neither filtered nor paginated.
READ_ACTION = {"detail": True, "methods": ["get"], "filter_backends": [], "pagination_class": None}


def refusals(*codes: int) -> dict:
    """The documented error answers of an endpoint (401 and 404 apply to every article endpoint)."""
    return {code: REFUSALS[code] for code in sorted({401, 404, *codes})}


def valid(serializer_class, request) -> dict:
    payload = serializer_class(data=request.data)
    payload.is_valid(raise_exception=True)
    return dict(payload.validated_data)


def if_match(request) -> str | None:
    """The content hash of an ``If-Match`` header; ``*`` (any version) means no check."""
    value = request.headers.get("If-Match", "").strip()
    if value.startswith("W/"):
        value = value[2:]
    value = value.strip('"')
    return None if value in ("", "*") else value
