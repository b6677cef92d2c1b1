"""API tokens: exchanging a username and password for ``Authorization: Token <key>``, listing and
revoking the caller's tokens (``reviews.tokens``)."""

from __future__ import annotations

from django.contrib.auth import authenticate
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from reviews import tokens
from reviews.api.common import REFUSALS, valid
from reviews.serializers.auth import (
    ApiTokenSerializer,
    LockedOutSerializer,
    TokenRequestSerializer,
    TokenSerializer,
)
from reviews.serializers.base import ErrorSerializer

DEFAULT_TOKEN_NAME = "API client"

LOCKED_OUT = OpenApiResponse(
    LockedOutSerializer,
    description=(
        "Too many failed logins for this account or from this address: refused, whatever the "
        "password, until `retry_after` (also in the `Retry-After` header, in seconds)."
    ),
)


class ObtainTokenView(APIView):
    """Exchange a username and password for a new API token (``Authorization: Token <key>``)."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: TokenSerializer, 400: REFUSALS[400], 429: LOCKED_OUT},
        summary="Obtain an API token",
        description="Each call issues a new token, working until `expires_at` (`API_TOKEN_DAYS` "
        "after now) unless revoked. The key is in this answer only.",
    )
    def post(self, request):
        credentials = valid(TokenRequestSerializer, request)
        name = credentials.pop("name", DEFAULT_TOKEN_NAME)
        # authenticate() refuses inactive users itself. It is given Django's request, where the
        # login lockouts (editorial.lockout) mark a locked-out attempt for their middleware,
        # which answers it with 429.
        user = authenticate(request._request, **credentials)
        if user is None:
            raise ValidationError(
                {"non_field_errors": ["Unable to log in with the username and password given."]},
                code="authorization",
            )
        token, key = tokens.issue(user, name)
        return Response({"id": token.pk, "name": token.name, "token": key, "expires_at": token.expires_at})


class TokenListView(APIView):
    """The caller's working tokens."""

    @extend_schema(
        responses={200: ApiTokenSerializer(many=True), 401: REFUSALS[401]},
        summary="Your API tokens",
        description="Tokens that still work (neither expired nor revoked), newest first; never their keys.",
    )
    def get(self, request):
        return Response(ApiTokenSerializer(tokens.tokens_of(request.user), many=True).data)


class TokenDetailView(APIView):
    """One of the caller's tokens."""

    @extend_schema(
        responses={
            204: None,
            401: REFUSALS[401],
            404: OpenApiResponse(ErrorSerializer, description="Not one of your working tokens."),
        },
        summary="Revoke one of your API tokens",
        description="The token answers 401 from now on. Anyone else's token, or one that no longer "
        "works, is a 404.",
    )
    def delete(self, request, pk: int):
        tokens.revoke(request.user, pk)
        return Response(status=status.HTTP_204_NO_CONTENT)
