"""Electronic signatures (the ideas of 21 CFR Part 11 §11.50 and §11.200).

A recommendation or a decision is signed in the request that makes it: the signer proves who
they are again, with their password or, once they have set up a device (django-otp), a one-time
code from it. A wrong proof raises ``SignatureFailed`` (403 ``signature_failed``) before anything
is written. The record (``Signature``) keeps the printed name, credentials, date and time, the
meaning and the exact statement the signer saw.

The workflow calls ``sign`` from each step that signs (today the sign-off; an editor's decision
passes ``SignatureMeaning.DECISION_*``).
"""

from __future__ import annotations

from django.contrib.auth.hashers import check_password
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import devices_for_user, user_has_device

from articles.models import Article
from editorial.refusals import SignatureFailed
from reviews.models import Signature, SignatureMeaning, SignatureMethod

# What signing means, shown to the signer before they confirm and stored with the signature.
STATEMENTS = {
    SignatureMeaning.APPROVE: (
        "I have reviewed this exact content and its cited sources for medical accuracy and "
        "recommend it for publication. This electronic signature is the legally binding "
        "equivalent of my handwritten signature."
    ),
    SignatureMeaning.REQUEST_CHANGES: (
        "I have reviewed this exact content and its cited sources and ask that it not be "
        "published until the changes I describe are made. This electronic signature is the "
        "legally binding equivalent of my handwritten signature."
    ),
    SignatureMeaning.DECISION_APPROVE: (
        "As editor I decide that this exact content is approved for publication. This electronic "
        "signature is the legally binding equivalent of my handwritten signature."
    ),
    SignatureMeaning.DECISION_REQUEST_CHANGES: (
        "As editor I decide that this content goes back to its authors for changes. This "
        "electronic signature is the legally binding equivalent of my handwritten signature."
    ),
}


def uses_one_time_code(user) -> bool:
    """The signer proves themselves with a code from their device rather than their password."""
    return bool(user and user.is_authenticated and user_has_device(user, confirmed=True))


def verify_signer(user, *, password: str = "", otp: str = "") -> str:
    """Check the proof given with a signature; returns the method, or raises ``SignatureFailed``."""
    if uses_one_time_code(user):
        code = otp.strip()
        # Device by device (django-otp's advice), so each device's own throttling applies.
        if code and any(device.verify_token(code) for device in devices_for_user(user, for_verify=True)):
            return SignatureMethod.OTP
        raise SignatureFailed(
            _("Signing needs the current one-time code from your device; that one is wrong.")
        )
    # Not user.check_password: that may re-save the hash, which would end the user's API tokens.
    if password and check_password(password, user.password):
        return SignatureMethod.PASSWORD
    raise SignatureFailed(_("Signing needs your password; the one given is wrong."))


def sign(
    *,
    signer,
    article: Article,
    meaning: str,
    printed_name: str,
    credentials: str = "",
    password: str = "",
    otp: str = "",
) -> Signature:
    """Verify the signer and record their signature of ``article``'s current content."""
    method = verify_signer(signer, password=password, otp=otp)
    return Signature.objects.create(
        article=article,
        signer=signer,
        printed_name=printed_name,
        credentials=credentials,
        meaning=meaning,
        statement=STATEMENTS[SignatureMeaning(meaning)],
        method=method,
        content_hash=article.content_hash,
        content_hash_version=article.content_hash_version,
        signed_at=timezone.now(),
    )
