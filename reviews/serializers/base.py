"""What every editorial API serializer shares: strict input and the error body."""

from __future__ import annotations

from collections.abc import Mapping

from rest_framework import serializers

# Largest value of a 64-bit signed integer: the range of ids (BigAutoField).
MAX_ID = 2**63 - 1


class StrictInputSerializer(serializers.Serializer):
    """Refuses fields it does not know, so a misspelled or read-only field is never silently ignored."""

    # Sent along by HTML forms (the browsable API with session authentication), not by the client.
    form_fields = frozenset({"csrfmiddlewaretoken"})

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            unknown = sorted(set(data) - set(self.fields) - self.form_fields)
            if unknown:
                raise serializers.ValidationError(
                    {name: ["This field cannot be set here."] for name in unknown}, code="unknown_field"
                )
        return super().to_internal_value(data)


class SignedInputSerializer(StrictInputSerializer):
    """Input of a step the caller signs: the password again, or their device's one-time code."""

    password = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=4096,
        trim_whitespace=False,
        write_only=True,
        help_text="Your password, re-entered to sign (a wrong one answers 403 signature_failed).",
    )
    otp = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=32,
        write_only=True,
        help_text="The one-time code from your device, instead of the password, once you have one.",
    )


class ErrorSerializer(serializers.Serializer):
    """The body of a 401, 403, 404, 409 or 413 answer."""

    detail = serializers.CharField()
    code = serializers.CharField(
        help_text="Machine-readable reason, e.g. permission_denied, not_found, "
        "transition_not_allowed, stale_content, concurrent_change, too_large."
    )
