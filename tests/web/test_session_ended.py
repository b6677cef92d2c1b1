"""When the session ends mid-edit: htmx gets a 401 instead of the login page, and the editor's
copy of the unsaved text in the browser is forgotten only once the server has saved it."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLPattern, reverse

from reviews import urls as editorial_urls
from tests.web.test_authoring import article_data

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver/editorial/articles/new/"}
LOGIN_PAGE = "Log in to the editorial workspace"


def test_an_htmx_preview_from_a_signed_out_user_is_a_401_not_the_login_page(client, article):
    for url, page in [
        (reverse("editorial:article_preview"), "/editorial/articles/new/"),
        (reverse("editorial:article_preview", args=[article.pk]), f"/editorial/articles/{article.pk}/edit/"),
    ]:
        response = client.post(
            url,
            {"title": "Heat", "body": "Heat helps."},
            HTTP_HX_REQUEST="true",
            HTTP_HX_CURRENT_URL=f"http://testserver{page}",
        )

        assert response.status_code == 401
        content = response.content.decode()
        assert LOGIN_PAGE not in content and "id_username" not in content
        assert "Your session has ended." in content
        # The link to log in leads back to the page in use, not to the preview's URL.
        assert f'href="/accounts/login/?next={page.replace("/", "%2F")}"' in content


def test_every_signed_in_editorial_page_answers_htmx_with_401_and_the_browser_with_the_login_page(client):
    checked = 0
    for pattern in editorial_urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        kwargs = {name: 1 for name in pattern.pattern.converters}
        url = reverse(f"editorial:{pattern.name}", kwargs=kwargs)
        for method in (client.get, client.post):
            assert method(url, **HTMX).status_code == 401, f"htmx {method.__name__} {url}"
            browser = method(url)
            assert browser.status_code == 302, url
            assert browser["Location"].startswith("/accounts/login/?next="), url
            checked += 1
    assert checked > 40


def test_a_signed_in_htmx_request_is_answered_as_before(author_client, topic):
    response = author_client.post(reverse("editorial:article_preview"), article_data(topic), **HTMX)

    assert response.status_code == 200
    assert "Heat for back spasms" in response.content.decode()


def test_an_htmx_redirect_elsewhere_is_left_alone(author_client, topic):
    # A save answered by htmx (no such form today, but any view may redirect): not a login.
    response = author_client.post(reverse("editorial:article_create"), article_data(topic), **HTMX)

    assert response.status_code == 302
    assert response["Location"].startswith("/editorial/articles/")


def saved_copies(response) -> list[str]:
    found = re.search(r'<meta name="editorial-saved-copies" content="([^"]*)">', response.content.decode())
    return found.group(1).split() if found else []


def test_the_editor_names_the_key_of_its_kept_copy(author_client, author, article):
    new = author_client.get(reverse("editorial:article_create")).content.decode()
    edit = author_client.get(reverse("editorial:article_edit", args=[article.pk])).content.decode()

    assert f'data-kept-copy="editorial:{author.pk}:new"' in new
    assert f'data-kept-copy="editorial:{author.pk}:article-{article.pk}"' in edit
    assert f'data-kept-copies-prefix="editorial:{author.pk}:"' in new  # logging out forgets them
    assert "Your text is kept in this browser" in new


def test_a_saved_draft_names_its_copy_once_on_the_next_page(author_client, author, topic):
    created = author_client.post(reverse("editorial:article_create"), article_data(topic), follow=True)

    assert saved_copies(created) == [f"editorial:{author.pk}:new"]
    assert saved_copies(author_client.get(created.redirect_chain[-1][0])) == []

    article = created.context["article"]
    edited = author_client.post(
        reverse("editorial:article_edit", args=[article.pk]),
        {**article_data(topic, body="Heat helps a lot."), "content_hash": article.content_hash},
        follow=True,
    )
    assert saved_copies(edited) == [f"editorial:{author.pk}:article-{article.pk}"]


def test_a_save_that_fails_keeps_the_copy(author_client, topic, article):
    refused = author_client.post(reverse("editorial:article_create"), article_data(topic, title=""))
    stale = author_client.post(
        reverse("editorial:article_edit", args=[article.pk]),
        {**article_data(topic), "content_hash": "0" * 64},
    )

    assert (refused.status_code, stale.status_code) == (400, 409)
    assert saved_copies(refused) == saved_copies(stale) == []
    assert saved_copies(author_client.get(reverse("editorial:dashboard"))) == []


def test_a_signed_out_create_goes_to_the_login_page_that_leads_back(topic):
    # What "Create draft" does once the session has ended: the text is kept by the browser only.
    response = Client().post(reverse("editorial:article_create"), article_data(topic))

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/editorial/articles/new/"
