"""The advisory board and its reviews (``board``), what a round says besides (``discussion``), and the
integrity records (``reviews.records``: signatures and the audit chain)."""

from reviews.models.board import *  # noqa: F403
from reviews.models.board import __all__ as _board_all
from reviews.models.discussion import (
    Comment,
    CommentState,
    FormAnswer,
    ReviewFormItem,
    RoundDecision,
)
from reviews.records import AuditEntry, AuditKind, Signature, SignatureMeaning, SignatureMethod

__all__ = [
    *_board_all,
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
