"""API tokens: issue, list, revoke; the one service behind the API and the "My API tokens" page.

A key is shown once, when it is issued; the database keeps only its SHA-256 and its first
characters (to tell tokens apart). Every token of a user is revoked when their password changes
or their account is deactivated, whatever path the change takes (``revoke_on_credential_change``,
connected in ``ReviewsConfig.ready()``).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import is_password_usable
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from reviews.models import ApiToken

# 40 hexadecimal characters: as long as the keys of the DRF tokens clients held before.
KEY_BYTES = 20
PREFIX_LENGTH = 8
# last_used_at is written at most this often per token, so a busy client costs no write per request.
LAST_USED_PRECISION = timedelta(minutes=1)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue(user, name: str, *, now: datetime | None = None) -> tuple[ApiToken, str]:
    """A new token for ``user``, working for ``API_TOKEN_DAYS``, and its key (which is not kept)."""
    now = now or timezone.now()
    key = secrets.token_hex(KEY_BYTES)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        key_hash=hash_key(key),
        prefix=key[:PREFIX_LENGTH],
        created_at=now,
        expires_at=now + timedelta(days=settings.API_TOKEN_DAYS),
    )
    return token, key


def tokens_of(user):
    """``user``'s tokens that still work, newest first."""
    return ApiToken.objects.live().filter(user=user)


def revoke(user, token_id: int) -> ApiToken:
    """Revoke one of ``user``'s working tokens; anyone else's, or one that no longer works, is a 404."""
    token = tokens_of(user).filter(pk=token_id).first()
    if token is None:
        raise Http404(_("No such token."))
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    return token


def revoke_all(user) -> int:
    """Revoke every token of ``user`` that is not revoked yet; how many were."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


def find(key: str) -> ApiToken | None:
    """The token of this key, with its user, whatever its state; ``None`` for a key never issued."""
    return ApiToken.objects.select_related("user").filter(key_hash=hash_key(key)).first()


def record_use(token: ApiToken, now: datetime | None = None) -> None:
    """Note that ``token`` was just used (one UPDATE at most per ``LAST_USED_PRECISION``)."""
    now = now or timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def revoke_on_credential_change(sender, instance, raw: bool = False, update_fields=None, **kwargs) -> None:
    """``pre_save`` of the user model: revoke every token of a user whose password changes or who
    is deactivated, whatever the path (the password change page, the admin, ``set_password`` and
    ``save()``, ``changepassword``, a new hash assigned to ``password``).

    One save writes a new hash without a new password: at a login, Django stores the password
    again when its hasher's parameters changed, saving only ``password`` after clearing the raw
    password that ``set_password`` keeps for the save. That one revokes nothing.
    """
    if raw or instance.pk is None:
        return
    if update_fields is not None and not {"password", "is_active"} & set(update_fields):
        return
    stored = sender._base_manager.filter(pk=instance.pk).values_list("password", "is_active").first()
    if stored is None:
        return
    password, was_active = stored
    new_password = instance.password != password
    rehash = (
        update_fields is not None
        and set(update_fields) == {"password"}
        and getattr(instance, "_password", None) is None
        and is_password_usable(instance.password)
    )
    if (was_active and not instance.is_active) or (new_password and not rehash):
        revoke_all(instance)
