"""Files the import refuses or reads whole, through the API and the web page alike: JSON nested
too deeply, several ``@string`` macros, fields too long to decode, uploads too large."""

from __future__ import annotations

from html import escape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import Source
from tests.web.conftest import client_for as web_client_for

pytestmark = pytest.mark.django_db

IMPORT = "/api/v1/editorial/sources/import/"


@pytest.fixture
def author_web(author):
    return web_client_for(author)


def api_import(client, name: str, content: bytes, **fields):
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, content), **fields}, format="multipart")


def web_import(client, name: str, content: bytes, **fields):
    return client.post(
        reverse("editorial:source_import"), {"file": SimpleUploadedFile(name, content), **fields}
    )


# CSL-JSON nested too deeply ------------------------------------------------------------------

DEEP_CSL = (
    '[{"id": "a2020", "title": "First"},\n {"title": "Deep", "custom": ' + "[" * 50_000 + "]" * 50_000 + "}]"
).encode()
TOO_DEEP = "Not valid CSL-JSON: line 2: nested deeper than 100 levels"


def test_api_import_refuses_csl_json_nested_too_deeply(author_api):
    response = api_import(author_api, "refs.json", DEEP_CSL)

    assert response.status_code == 400
    assert response.json() == {"file": [TOO_DEEP]}
    assert not Source.objects.exists()


def test_web_import_refuses_csl_json_nested_too_deeply(author_web):
    response = web_import(author_web, "refs.json", DEEP_CSL)

    assert response.status_code == 400
    assert TOO_DEEP in response.content.decode()
    assert not Source.objects.exists()


# Several @string macros (the reader's fix, guarded end to end) --------------------------------

MACROS = b'@string{jama="JAMA"} @string{bmj="BMJ"} @article{k, title={T}, author={Doe, J}, journal=jama, year={2020}}'
ONE_A_LINE = MACROS.replace(b"} @", b"}\n@")


@pytest.mark.parametrize("content", [MACROS, ONE_A_LINE], ids=["one line", "one a line"])
def test_api_import_reads_several_string_macros(author_api, content):
    response = api_import(author_api, "refs.bib", content)

    assert response.status_code == 200, response.json()
    assert (response.json()["created_count"], response.json()["rejected_count"]) == (1, 0)
    assert Source.objects.get(key="k").container_title == "JAMA"


@pytest.mark.parametrize("content", [MACROS, ONE_A_LINE], ids=["one line", "one a line"])
def test_web_import_reads_several_string_macros(author_web, content):
    response = web_import(author_web, "refs.bib", content)

    assert response.status_code == 200
    assert "Imported: 1 new" in response.content.decode()
    assert Source.objects.get(key="k").container_title == "JAMA"


# Uploads over MAX_UPLOAD_SIZE ----------------------------------------------------------------


def bibtex_of_size(size: int) -> bytes:
    entry = b"@article{k, title={A title}, year={2020}}\n"
    return entry + b"%" * (size - len(entry))  # text between entries is a comment


def unread_upload(client, path: str, length: int):
    """A request that says it carries ``length`` bytes but holds a few: the test client fails
    the request if anything reads past them, so a refusal can only come from the header."""
    body = b'--x\r\nContent-Disposition: form-data; name="file"; filename="refs.bib"\r\n\r\n@article{\r\n'
    return client.post(path, body, content_type="multipart/form-data; boundary=x", CONTENT_LENGTH=str(length))


def test_api_refuses_an_upload_over_the_limit_naming_it(author_api, settings):
    settings.MAX_UPLOAD_SIZE = 2**20

    response = api_import(author_api, "refs.bib", bibtex_of_size(3 * 2**19))

    assert response.status_code == 413
    assert response.json() == {
        "detail": "The upload is 1.5 MB; at most 1.0 MB are accepted.",
        "code": "too_large",
    }
    assert not Source.objects.exists()


def test_api_reads_an_upload_within_the_limit(author_api, settings):
    settings.MAX_UPLOAD_SIZE = 2**20

    response = api_import(author_api, "refs.bib", bibtex_of_size(2**20 - 1000))

    assert response.status_code == 200, response.json()
    assert Source.objects.get().key == "k"


def test_api_refuses_a_50_mb_upload_from_its_header_without_reading_it(author_api):
    response = unread_upload(author_api, IMPORT, 50 * 2**20)

    assert response.status_code == 413
    assert response.json()["detail"] == "The upload is 50.0 MB; at most 5.0 MB are accepted."


def test_web_refuses_an_upload_over_the_limit_with_a_413_page(author_web, settings):
    settings.MAX_UPLOAD_SIZE = 2**20

    response = web_import(author_web, "refs.bib", bibtex_of_size(3 * 2**19))

    assert response.status_code == 413
    page = response.content.decode()
    assert "This file is too large" in page
    assert "The upload is 1.5 MB; at most 1.0 MB are accepted." in page
    assert f'href="{reverse("editorial:source_import")}"' in page
    assert not Source.objects.exists()


def test_web_refuses_a_50_mb_upload_from_its_header_without_reading_it(author_web):
    response = unread_upload(author_web, reverse("editorial:source_import"), 50 * 2**20)

    assert response.status_code == 413
    assert "The upload is 50.0 MB; at most 5.0 MB are accepted." in response.content.decode()


# A field too long to read --------------------------------------------------------------------

LONG_FIELD = (
    b"@article{good2020, title={A good entry}, year={2020}}\n"
    + b"@article{long2020, title={"
    + rb"\emph{vivo} $\beta$ " * 50_000  # a million characters of markup
    + b"}, year={2020}}\n"
)
LONG_FIELD_REASON = "field 'title' is 1,000,000 characters; at most 50,000 are read in one entry"


def test_api_import_rejects_an_entry_with_a_field_too_long_to_read(author_api):
    response = api_import(author_api, "refs.bib", LONG_FIELD)

    assert response.status_code == 400
    data = response.json()
    assert data["rejected"] == [{"line": 2, "reason": LONG_FIELD_REASON}]
    assert (data["imported"], data["created_count"]) == (False, 1)
    assert "nothing was imported" in data["detail"]
    assert not Source.objects.exists()


def test_api_partial_import_skips_only_the_entry_too_long_to_read(author_api):
    response = api_import(author_api, "refs.bib", LONG_FIELD, partial="true")

    assert response.status_code == 200
    assert response.json()["rejected"] == [{"line": 2, "reason": LONG_FIELD_REASON}]
    assert list(Source.objects.values_list("key", flat=True)) == ["good2020"]


def test_web_import_names_the_entry_too_long_to_read(author_web):
    response = web_import(author_web, "refs.bib", LONG_FIELD)

    page = response.content.decode()
    assert f"Line 2: {escape(LONG_FIELD_REASON)}" in page
    assert "Nothing was imported: 1 entries were rejected." in page
    assert not Source.objects.exists()
