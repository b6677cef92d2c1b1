"""API tokens: exchanging a username and password for ``Authorization: Token <key>``."""

from __future__ import annotations

from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from reviews.api.common import REFUSALS, valid
from reviews.serializers.articles import TokenRequestSerializer, TokenSerializer


class ObtainTokenView(APIView):
    """Exchange a username and password for an API token (``Authorization: Token <key>``)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_scope = "auth"

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: TokenSerializer, 400: REFUSALS[400]},
        summary="Obtain an API token",
    )
    def post(self, request):
        credentials = valid(TokenRequestSerializer, request)
        # authenticate() refuses inactive users itself.
        user = authenticate(request, **credentials)
        if user is None:
            raise ValidationError(
                {"non_field_errors": ["Unable to log in with the username and password given."]},
                code="authorization",
            )
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
