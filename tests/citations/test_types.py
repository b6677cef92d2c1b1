"""Source types and their CSL types, and citation keys."""

import pytest

from articles.library.citations import citation_key, csl_type_for, source_type_of


@pytest.mark.parametrize(
    ("item", "key"),
    [
        ({"author": [{"family": "Will", "given": "J"}], "issued": {"date-parts": [[2018]]}}, "will2018"),
        ({"author": [{"family": "Müller"}], "issued": {"date-parts": [[2019, 1]]}}, "muller2019"),
        (
            {
                "author": [{"family": "Tulder", "non-dropping-particle": "van"}],
                "issued": {"date-parts": [[2021]]},
            },
            "vantulder2021",
        ),
        ({"author": [{"family": "Hardt-Lindberg"}], "issued": {"date-parts": [[2023]]}}, "hardtlindberg2023"),
        ({"author": [{"family": "Øster"}], "issued": {"date-parts": [[2020]]}}, "oster2020"),
        (
            {"author": [{"literal": "World Health Organization"}], "issued": {"date-parts": [[2023]]}},
            "world2023",
        ),
        ({"title": "The burden of low back pain", "issued": {"date-parts": [[2020]]}}, "burden2020"),
        ({"author": [{"family": "Will"}]}, "willnd"),
        ({}, "sourcend"),
    ],
)
def test_citation_key(item, key):
    assert citation_key(item) == key


@pytest.mark.parametrize(
    ("source_type", "csl_type"),
    [
        ("systematic_review", "article-journal"),
        ("meta_analysis", "article-journal"),
        ("randomized_trial", "article-journal"),
        ("cohort_study", "article-journal"),
        ("case_report", "article-journal"),
        ("review", "article-journal"),
        ("textbook", "book"),
        ("website", "webpage"),
        ("guideline", "report"),
        ("other", "document"),
    ],
)
def test_csl_type_mapping_round_trips_through_custom(source_type, csl_type):
    assert csl_type_for(source_type) == csl_type
    assert source_type_of({"type": csl_type, "custom": {"source_type": source_type}}) == source_type


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ({"type": "book"}, "textbook"),
        ({"type": "webpage"}, "website"),
        ({"type": "report"}, "guideline"),
        ({"type": "article-journal"}, "other"),
        ({"type": "article-journal", "genre": "Systematic review"}, "systematic_review"),
        (
            {"type": "article-journal", "genre": "Review", "custom": {"source_type": "cohort_study"}},
            "cohort_study",
        ),
    ],
)
def test_source_type_is_inferred_when_not_stored(item, expected):
    assert source_type_of(item) == expected
