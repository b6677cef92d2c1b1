"""API tokens: exchanging a username and password for ``Authorization: Token <key>``."""

from __future__ import annotations

from django.contrib.auth import authenticate
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from reviews.api.common import REFUSALS, valid
from reviews.serializers.articles import LockedOutSerializer, TokenRequestSerializer, TokenSerializer

LOCKED_OUT = OpenApiResponse(
    LockedOutSerializer,
    description=(
        "Too many failed logins for this account or from this address: refused, whatever the "
        "password, until `retry_after` (also in the `Retry-After` header, in seconds)."
    ),
)


class ObtainTokenView(APIView):
    """Exchange a username and password for an API token (``Authorization: Token <key>``)."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: TokenSerializer, 400: REFUSALS[400], 429: LOCKED_OUT},
        summary="Obtain an API token",
    )
    def post(self, request):
        credentials = valid(TokenRequestSerializer, request)
        # authenticate() refuses inactive users itself. It is given Django's request, where the
        # login lockouts (editorial.lockout) mark a locked-out attempt for their middleware,
        # which answers it with 429.
        user = authenticate(request._request, **credentials)
        if user is None:
            raise ValidationError(
                {"non_field_errors": ["Unable to log in with the username and password given."]},
                code="authorization",
            )
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
