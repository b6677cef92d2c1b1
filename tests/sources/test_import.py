"""Importing BibTeX, RIS, MEDLINE and CSL-JSON files: through the service, the command and the API."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from articles.library import importing
from articles.library.citations import MalformedFile
from articles.models import Source
from tests import factories
from tests.sources.conftest import DATA

pytestmark = pytest.mark.django_db

IMPORT = "/api/v1/editorial/sources/import/"

FILES = {
    "bibtex": ("library.bib", ["hartvigsen2018", "nice2016", "ozturk2019", "will2018"]),
    "ris": ("library.ris", ["foster2018", "maher2017", "national2016"]),
    "medline": ("pubmed.nbib", ["mehra2020", "will2018"]),
    "csl-json": ("library.json", ["lincoff2023", "who2023"]),
}


def import_file(name: str, fmt: str, **options) -> importing.ImportSummary:
    with open(DATA / name, encoding="utf-8-sig") as stream:
        return importing.import_sources(stream, fmt, **options)


def upload(name: str, content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content if content is not None else (DATA / name).read_bytes())


# Each format ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", list(FILES))
def test_each_format_imports_every_entry(fmt):
    name, keys = FILES[fmt]

    summary = import_file(name, fmt)

    assert summary.imported
    assert (summary.created_count, summary.matched_count, summary.rejected_count) == (len(keys), 0, 0)
    assert sorted(Source.objects.values_list("key", flat=True)) == keys
    assert all(row["id"] for row in summary.created)
    assert Source.history.filter(history_change_reason=f"imported from a {fmt} file").count() == len(keys)


def test_bibtex_latex_accents_braces_and_string_macros():
    import_file("library.bib", "bibtex")

    ozturk = Source.objects.get(key="ozturk2019")
    assert ozturk.authors == [
        {"family": "Öztürk", "given": "Ayşe"},
        {"family": "Müller", "given": "Jörg"},
        {"family": "Nuñez", "given": "José"},
    ]
    assert (
        ozturk.title
        == "Opioid-sparing analgesia for NSAID-intolerant patients: a Bayesian network meta-analysis"
    )
    assert ozturk.type == "meta_analysis"
    hartvigsen = Source.objects.get(key="hartvigsen2018")
    assert hartvigsen.container_title == "The Lancet"  # from @string{lancet = ...}
    assert hartvigsen.authors[5] == {"family": "Genevay", "given": "Stéphane"}
    assert hartvigsen.doi == "10.1016/s0140-6736(18)30480-x"  # resolver prefix stripped, lower case
    assert hartvigsen.pages == "2356-2367"
    nice = Source.objects.get(key="nice2016")
    assert nice.authors == [{"literal": "National Institute for Health and Care Excellence"}]
    assert (nice.type, nice.accessed) == ("guideline", date(2024, 3, 5))


def test_bibtex_with_several_string_macros():
    text = '@string{jama="JAMA"} @string{bmj="BMJ"} @article{k, title={T}, author={Doe, J}, journal=jama, year={2020}}'

    summary = importing.import_sources(io.StringIO(text), "bibtex")

    assert (summary.created_count, summary.rejected_count) == (1, 0)
    source = Source.objects.get()
    assert (source.key, source.container_title, source.year) == ("k", "JAMA", 2020)


def test_ris_with_many_authors_over_au_and_a1_lines_and_crlf():
    import_file("library.ris", "ris")

    foster = Source.objects.get(key="foster2018")
    assert len(foster.authors) == 12
    assert foster.authors[0] == {"family": "Foster", "given": "Nadine E."}
    assert foster.authors[-1] == {"family": "Maher", "given": "Chris G."}
    assert (
        foster.title
        == "Prevention and treatment of low back pain: evidence, challenges, and promising directions"
    )
    assert foster.doi == "10.1016/s0140-6736(18)30489-6"
    maher = Source.objects.get(key="maher2017")  # the first record has CRLF line endings
    assert (maher.pmid, maher.pages, maher.type) == ("27745712", "736-747", "review")


def test_medline_continuation_lines_and_identifiers():
    import_file("pubmed.nbib", "medline")

    mehra = Source.objects.get(key="mehra2020")
    assert mehra.title == (
        "RETRACTED: Hydroxychloroquine or chloroquine with or without a macrolide for treatment of "
        "COVID-19: a multinational registry analysis"
    )
    assert (mehra.doi, mehra.pmid, mehra.year) == ("10.1016/s0140-6736(20)31180-6", "32450107", 2020)
    assert [a["family"] for a in mehra.authors] == ["Mehra", "Desai", "Ruschitzka", "Patel"]


def test_csl_json_date_parts_as_strings_and_numbers():
    import_file("library.json", "csl-json")

    lincoff = Source.objects.get(key="lincoff2023")
    assert (lincoff.year, lincoff.volume, lincoff.issue, lincoff.pmid) == (2023, "389", "24", "37952131")
    assert lincoff.type == "randomized_trial"
    assert lincoff.authors[-1] == {"literal": "SELECT Trial Investigators"}
    who = Source.objects.get(key="who2023")
    assert (who.year, who.accessed, who.type) == (2023, date(2024, 3, 5), "website")


# Matching and keys ---------------------------------------------------------------------------


def test_existing_sources_are_matched_by_doi_then_pmid_never_duplicated():
    by_doi = factories.SourceFactory(key="hartvigsen", doi="10.1016/s0140-6736(18)30480-x", pmid="")
    by_pmid = factories.SourceFactory(key="will", doi="", pmid="30252425")

    summary = import_file("library.bib", "bibtex")

    matched = {row["key"]: (row["by"], row["id"], row["line"]) for row in summary.matched}
    assert matched == {"hartvigsen": ("doi", by_doi.pk, 20), "will": ("pmid", by_pmid.pk, 6)}
    assert summary.matched_by == {"doi": 1, "pmid": 1, "key": 0}
    assert summary.created_count == 2
    assert Source.objects.count() == 4


def test_importing_the_same_file_twice_matches_everything():
    import_file("library.bib", "bibtex")

    again = import_file("library.bib", "bibtex")

    assert (again.created_count, again.matched_count) == (0, 4)
    assert again.matched_by == {"doi": 2, "pmid": 1, "key": 1}  # nice2016 has no identifier: key and title
    assert Source.objects.count() == 4


def test_a_taken_key_of_a_different_work_gets_a_letter():
    factories.SourceFactory(key="will2018", title="Another paper by another Will", pmid="")
    factories.SourceFactory(key="will2018a", title="And another", pmid="")

    summary = import_file("pubmed.nbib", "medline")

    assert sorted(row["key"] for row in summary.created) == ["mehra2020", "will2018b"]


def test_a_duplicate_inside_the_file_is_matched_to_its_first_entry():
    text = (DATA / "library.ris").read_text(encoding="utf-8-sig")
    doubled = text + "\n" + text.split("ER  - ")[0] + "ER  - \n"  # maher2017 again at the end

    summary = importing.import_sources(io.StringIO(doubled), "ris", batch_size=2)

    assert summary.created_count == 3
    assert [(row["key"], row["by"], row["in_file"]) for row in summary.matched] == [
        ("maher2017", "doi", True)
    ]


def test_batches_and_progress_do_not_change_the_result():
    seen = []

    summary = import_file(
        "library.bib", "bibtex", batch_size=1, progress=lambda s: seen.append((s.phase, s.read))
    )

    assert seen == [("check", n) for n in (1, 2, 3, 4)] + [("write", n) for n in (1, 2, 3, 4)]
    assert summary.created_count == 4


def test_the_summary_lists_are_capped_but_the_counts_are_not():
    summary = import_file("library.bib", "bibtex", max_details=2)

    assert summary.created_count == 4
    assert len(summary.created) == 2
    assert summary.truncated


# All or nothing, partial, dry run ------------------------------------------------------------


def test_a_rejected_entry_imports_nothing():
    summary = import_file("one_bad_doi.bib", "bibtex")

    assert not summary.imported
    assert summary.rejected == [
        {"line": 15, "reason": "'see publisher site' is not a DOI: a DOI looks like 10.1234/abc"}
    ]
    assert summary.created == [
        {
            "line": 1,
            "id": None,
            "key": "chou2017",
            "title": summary.created[0]["title"],
        }
    ]
    assert not Source.objects.exists()
    assert not Source.history.exists()


def test_partial_imports_the_good_entries():
    summary = import_file("one_bad_doi.bib", "bibtex", partial=True)

    assert summary.imported
    assert list(Source.objects.values_list("key", flat=True)) == ["chou2017"]
    assert summary.rejected_count == 1


def test_an_entry_the_model_refuses_is_rejected_with_the_field():
    item = json.dumps([{"id": "x2020", "title": "T", "URL": "not a url", "page": "1" * 41}])

    summary = importing.import_sources(io.StringIO(item), "csl-json", partial=True)

    assert summary.rejected_count == 1
    reason = summary.rejected[0]["reason"]
    assert "pages: Ensure this value has at most 40 characters" in reason
    assert "url: Enter a valid URL." in reason


def test_a_dry_run_writes_nothing_and_reports_everything():
    summary = import_file("library.bib", "bibtex", dry_run=True)

    assert (summary.dry_run, summary.imported, summary.created_count) == (True, False, 4)
    assert not Source.objects.exists()


@pytest.mark.parametrize(
    ("content", "fmt", "problem"),
    [
        (b"@article{x, title={A}}", "ris", "Not an RIS file: line 1"),
        (b'[{"id": "a", "title": "A"}, {"id": ', "csl-json", "Not valid CSL-JSON"),
        (b"TY  - JOUR\nTI  - \xff\xfe broken\nER  - \n", "ris", "not UTF-8"),
        (b"just some notes", "medline", "Not a PubMed/MEDLINE file"),
    ],
)
def test_a_malformed_file_raises_a_clear_error(content, fmt, problem):
    stream = io.TextIOWrapper(io.BytesIO(content), encoding="utf-8-sig")

    with pytest.raises(MalformedFile, match=problem):
        importing.import_sources(stream, fmt)
    assert not Source.objects.exists()


# The command ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", list(FILES))
def test_command_imports_each_format_with_a_summary(fmt, capsys):
    name, keys = FILES[fmt]
    out = io.StringIO()

    call_command("import_sources", str(DATA / name), "--no-progress", stdout=out)

    assert (
        f"created {len(keys)}, matched 0 existing (by DOI 0, by PMID 0, by key 0), rejected 0."
        in out.getvalue()
    )
    assert sorted(Source.objects.values_list("key", flat=True)) == keys


def test_command_reports_matches_and_shows_a_progress_bar(will, capsys):
    out = io.StringIO()

    call_command("import_sources", str(DATA / "pubmed.nbib"), "--format", "medline", stdout=out, verbosity=2)

    assert "matched 1 existing (by DOI 0, by PMID 1, by key 0)" in out.getvalue()
    assert "matched  line 41: [@will2018] by PMID 30252425" in out.getvalue()
    assert "Importing pubmed.nbib" in capsys.readouterr().err  # tqdm writes to stderr


def test_command_refuses_a_file_with_rejected_entries_unless_partial():
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 entries were rejected, so nothing was imported"):
        call_command("import_sources", str(DATA / "one_bad_doi.bib"), "--no-progress", stdout=out)
    assert "rejected line 15: 'see publisher site' is not a DOI" in out.getvalue()
    assert not Source.objects.exists()

    call_command("import_sources", str(DATA / "one_bad_doi.bib"), "--partial", "--no-progress", stdout=out)
    assert Source.objects.count() == 1


def test_command_dry_run_writes_nothing():
    out = io.StringIO()

    call_command("import_sources", str(DATA / "library.json"), "--dry-run", "--no-progress", stdout=out)

    assert "Dry run: nothing was written." in out.getvalue()
    assert not Source.objects.exists()


def test_command_names_a_malformed_file(tmp_path):
    bad = tmp_path / "refs.json"
    bad.write_text('{"not": "an array"}', encoding="utf-8")

    with pytest.raises(CommandError, match="refs.json: Not valid CSL-JSON: line 1: expected a JSON array"):
        call_command("import_sources", str(bad), "--no-progress", stdout=io.StringIO())


# The API -------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", list(FILES))
def test_api_imports_each_format(author_api, fmt):
    name, keys = FILES[fmt]

    response = author_api.post(IMPORT, {"file": upload(name), "format": fmt}, format="multipart")

    assert response.status_code == 200, response.data
    assert response.data["created_count"] == len(keys)
    assert sorted(row["key"] for row in response.data["created"]) == keys
    assert response.data["imported"] is True


def test_api_detects_the_format_when_not_given(author_api):
    response = author_api.post(IMPORT, {"file": upload("pubmed.nbib")}, format="multipart")

    assert response.status_code == 200, response.data
    assert response.data["format"] == "medline"


def test_api_refuses_a_file_with_a_rejected_entry_and_says_why(author_api):
    response = author_api.post(
        IMPORT, {"file": upload("one_bad_doi.bib"), "format": "bibtex"}, format="multipart"
    )

    assert response.status_code == 400
    assert response.data["imported"] is False
    assert response.data["rejected"] == [
        {"line": 15, "reason": "'see publisher site' is not a DOI: a DOI looks like 10.1234/abc"}
    ]
    assert "send partial=true" in response.data["detail"]
    assert not Source.objects.exists()


def test_api_partial_import(author_api):
    response = author_api.post(
        IMPORT, {"file": upload("one_bad_doi.bib"), "format": "bibtex", "partial": "true"}, format="multipart"
    )

    assert response.status_code == 200
    assert (response.data["created_count"], response.data["rejected_count"]) == (1, 1)
    assert Source.objects.get().key == "chou2017"


def test_api_dry_run(author_api):
    response = author_api.post(IMPORT, {"file": upload("library.bib"), "dry_run": "true"}, format="multipart")

    assert response.status_code == 200
    assert response.data["created_count"] == 4
    assert not Source.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "fmt", "problem"),
    [
        ("refs.ris", b"@article{x, title={A}}", "ris", "Not an RIS file"),
        ("refs.json", b'[{"id": "a", "title": "A"}, {', "csl-json", "Not valid CSL-JSON"),
        ("refs.ris", b"TY  - JOUR\nTI  - \xff\xfe\nER  - \n", "ris", "not UTF-8"),
        ("refs.txt", b"Some notes about back pain", None, "Cannot tell the format"),
    ],
)
def test_api_answers_a_malformed_file_with_400_naming_the_problem(author_api, name, content, fmt, problem):
    payload = {"file": upload(name, content)}
    if fmt:
        payload["format"] = fmt

    response = author_api.post(IMPORT, payload, format="multipart")

    assert response.status_code == 400
    assert problem in response.data["file"][0]


def test_api_import_needs_a_file_and_a_known_format(author_api):
    response = author_api.post(IMPORT, {"format": "endnote"}, format="multipart")

    assert response.status_code == 400
    assert set(response.data) >= {"file", "format"}


def test_api_import_is_for_writers(reviewers):
    from tests.sources.conftest import client_for

    response = client_for(reviewers[0].user).post(IMPORT, {"file": upload("library.bib")}, format="multipart")

    assert response.status_code == 403


def test_an_entry_with_a_nul_character_is_rejected_not_a_database_error():
    item = json.dumps([{"id": "nul2020", "title": "Bad\u0000title"}, {"id": "ok2020", "title": "Fine"}])

    summary = importing.import_sources(io.StringIO(item), "csl-json", partial=True)

    assert summary.rejected == [{"line": 1, "reason": "title: Contains a NUL character."}]
    assert list(Source.objects.values_list("key", flat=True)) == ["ok2020"]


def test_api_streams_a_large_upload_from_its_temporary_file(author_api, settings):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # every upload goes to a temporary file

    response = author_api.post(IMPORT, {"file": upload("library.ris")}, format="multipart")

    assert response.status_code == 200, response.data
    assert response.data["created_count"] == 3
