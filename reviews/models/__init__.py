"""The advisory board and its reviews (``board``), what a round says besides (``discussion``),
API tokens (``tokens``) and the integrity records (``reviews.records``: signatures, the chain)."""

from reviews.models.board import *  # noqa: F403
from reviews.models.board import __all__ as _board_all
from reviews.models.discussion import (
    Comment,
    CommentState,
    FormAnswer,
    ReviewFormItem,
    RoundDecision,
)
from reviews.models.tokens import ApiToken, ApiTokenQuerySet
from reviews.records import AuditEntry, AuditKind, Signature, SignatureMeaning, SignatureMethod

__all__ = [
    *_board_all,
    "ApiToken",
    "ApiTokenQuerySet",
    "AuditEntry",
    "AuditKind",
    "Comment",
    "CommentState",
    "FormAnswer",
    "ReviewFormItem",
    "RoundDecision",
    "Signature",
    "SignatureMeaning",
    "SignatureMethod",
]
