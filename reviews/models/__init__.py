"""The advisory board and its reviews (``board``), and what a round says besides (``discussion``)."""

from reviews.models.board import *  # noqa: F403
from reviews.models.board import __all__ as _board_all
from reviews.models.discussion import (
    Comment,
    CommentState,
    FormAnswer,
    ReviewFormItem,
    RoundDecision,
)

__all__ = [*_board_all, "Comment", "CommentState", "FormAnswer", "ReviewFormItem", "RoundDecision"]
