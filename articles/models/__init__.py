"""The models of the articles app: articles, the source library, publications.

One module per subject; everything is importable from ``articles.models`` as before.
"""

from articles.models.articles import (
    CONTENT_FIELDS,
    CONTENT_HASH_VERSION,
    EDITABLE_STATUSES,
    Article,
    Audience,
    Specialty,
    Status,
)
from articles.models.publications import (
    ListedPublication,
    ListedPublicationCount,
    ListedTopicCount,
    Publication,
    PublicationDocument,
    PublicationQuerySet,
    PublishedCitation,
)
from articles.models.records import ImmutableModel, ImmutableQuerySet
from articles.models.sources import (
    Citation,
    NoticeKind,
    PublicationType,
    RetractionWatchRecord,
    RetractionWatchSync,
    Source,
    SourceNotice,
    SourceNoticeQuerySet,
    SourceType,
    normalize_notice,
    validate_citation_key,
)

__all__ = [
    "CONTENT_FIELDS",
    "CONTENT_HASH_VERSION",
    "EDITABLE_STATUSES",
    "Article",
    "Audience",
    "Citation",
    "ImmutableModel",
    "ImmutableQuerySet",
    "ListedPublication",
    "ListedPublicationCount",
    "ListedTopicCount",
    "NoticeKind",
    "Publication",
    "PublicationDocument",
    "PublicationQuerySet",
    "PublishedCitation",
    "Source",
    "SourceNotice",
    "SourceNoticeQuerySet",
    "PublicationType",
    "RetractionWatchRecord",
    "RetractionWatchSync",
    "SourceType",
    "Specialty",
    "Status",
    "normalize_notice",
    "validate_citation_key",
]
