"""The admin of the advisory board and its reviews, and the workflow's actions on articles and sources.

Rounds, assignments, sign-offs, the transition log and notifications are records the workflow
writes; the admin shows them and never changes them.
"""

from reviews.admin import articles, board, discussion, records, sources

__all__ = ["articles", "board", "discussion", "records", "sources"]
