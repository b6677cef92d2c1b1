"""Public pages: the article list, article pages, the editorial policy and the Atom feed."""

from django.urls import path
from django.views.generic import RedirectView

from public import feeds, views

app_name = "public"

urlpatterns = [
    # The site's front door is the article list.
    path("", RedirectView.as_view(pattern_name="public:article-list", permanent=False), name="home"),
    path("articles/", views.article_list, name="article-list"),
    path("articles/<slug:slug>/", views.article_detail, name="article-detail"),
    path("articles/<slug:slug>/review-record/", views.review_record, name="review-record"),
    path("editorial-policy/", views.editorial_policy, name="editorial-policy"),
    path("board/", views.board_list, name="board"),
    path("board/<slug:slug>/", views.board_member_page, name="board-member"),
    path("feeds/articles.atom", feeds.latest_articles, name="articles-feed"),
]
