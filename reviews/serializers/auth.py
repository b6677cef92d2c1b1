"""Logging in over the API and the caller's tokens: what goes in and what comes out."""

from __future__ import annotations

from rest_framework import serializers

from reviews.models import ApiToken
from reviews.serializers.base import StrictInputSerializer


class TokenRequestSerializer(StrictInputSerializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    name = serializers.CharField(
        max_length=100, required=False, help_text='What the token is for, e.g. "CI". Default: "API client".'
    )


class TokenSerializer(serializers.Serializer):
    """A token just issued: the only time its key is shown."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    token = serializers.CharField(
        help_text="The key, for `Authorization: Token <key>`. It is not shown again."
    )
    expires_at = serializers.DateTimeField()


class ApiTokenSerializer(serializers.ModelSerializer):
    """One of the caller's working tokens; never its key, only the key's first characters."""

    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "last_used_at", "expires_at"]
        read_only_fields = fields


class LockedOutSerializer(serializers.Serializer):
    """A login refused while the account or the client's address is locked out (429)."""

    detail = serializers.CharField()
    code = serializers.CharField()
    retry_after = serializers.DateTimeField(help_text="When logins from here may be tried again.")
