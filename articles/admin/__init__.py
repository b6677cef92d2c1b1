"""The admin of specialties, sources, articles and publications.

Thin by design. Article content is saved through ``articles.services`` so the content hash, the
citations and the history reason stay right; the status is never a form field; records that the
workflow writes (citations, publications) are read-only; history is shown but never reverted,
because a revert would bypass those services. ``reviews.admin`` extends the article and source admins
with the workflow's actions (this app does not import ``reviews``).
"""

from articles.admin import articles, publications, sources

__all__ = ["articles", "publications", "sources"]
