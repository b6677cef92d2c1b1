"""The editorial web app: dashboards for authors, reviewers and editors."""

from django.urls import path

from reviews.views import (
    articles,
    audience,
    authoring,
    board,
    dashboard,
    editor_articles,
    notifications,
    reviewing,
    rounds,
    sources,
    tokens,
)

app_name = "editorial"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    # Authors
    path("articles/new/", authoring.article_create, name="article_create"),
    path("articles/preview/", authoring.article_preview, name="article_preview"),
    path("articles/<int:pk>/", articles.article_detail, name="article"),
    path("articles/<int:pk>/edit/", authoring.article_edit, name="article_edit"),
    path("articles/<int:pk>/preview/", authoring.article_preview, name="article_preview"),
    path("articles/<int:pk>/submit/", authoring.article_submit, name="article_submit"),
    path("articles/<int:pk>/revise/", authoring.article_revise, name="article_revise"),
    path("articles/<int:pk>/history/", articles.article_history, name="article_history"),
    path("articles/<int:pk>/audience-version/", audience.audience_counterpart, name="audience_counterpart"),
    # Editors
    path("articles/<int:pk>/assign/", board.assign_reviewers, name="assign"),
    path("articles/<int:pk>/start-review/", board.start_review, name="start_review"),
    path("articles/<int:pk>/approve/", board.approve, name="approve"),
    path("articles/<int:pk>/decision/", rounds.decision, name="decision"),
    path("articles/all/", editor_articles.article_list, name="articles"),
    path("articles/all/assign/", editor_articles.bulk_assign, name="bulk_assign"),
    path("articles/<int:pk>/retract/", board.retract, name="retract"),
    path("articles/<int:pk>/flag-for-rereview/", board.flag_for_rereview, name="flag_for_rereview"),
    path("board/", board.board_members, name="board_members"),
    path("board/new/", board.board_member_edit, name="board_member_create"),
    path("board/<int:member_pk>/", board.board_member_edit, name="board_member_edit"),
    path("policies/", board.review_policies, name="policies"),
    path("policies/new/", board.review_policy_edit, name="policy_create"),
    path("policies/<int:policy_pk>/", board.review_policy_edit, name="policy_edit"),
    # Reviewers
    path("articles/<int:pk>/review/", reviewing.review, name="review"),
    path("articles/<int:pk>/review/conflict/", reviewing.declare_conflict, name="declare_conflict"),
    path("articles/<int:pk>/review/sign-off/", reviewing.sign_off, name="sign_off"),
    path("articles/<int:pk>/comments/", rounds.comment_create, name="comment_create"),
    path("articles/<int:pk>/comments/<int:comment_pk>/reply/", rounds.comment_reply, name="comment_reply"),
    path(
        "articles/<int:pk>/comments/<int:comment_pk>/resolve/", rounds.comment_resolve, name="comment_resolve"
    ),
    # Everyone
    path("sources/", sources.source_list, name="sources"),
    path("sources/new/", sources.source_create, name="source_create"),
    path("sources/import/", sources.source_import, name="source_import"),
    path("sources/<int:pk>/", sources.source_edit, name="source_edit"),
    path("sources/<int:pk>/delete/", sources.source_delete, name="source_delete"),
    path("notifications/", notifications.notification_list, name="notifications"),
    path("notifications/read/", notifications.notification_read_all, name="notifications_read_all"),
    path("notifications/email/", notifications.email_preferences, name="email_preferences"),
    path("notifications/<int:pk>/read/", notifications.notification_read, name="notification_read"),
    path("tokens/", tokens.api_tokens, name="api_tokens"),
    path("tokens/<int:pk>/revoke/", tokens.api_token_revoke, name="api_token_revoke"),
]
