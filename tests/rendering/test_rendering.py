"""Tests for articles.rendering (pure Python, no database)."""

import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.rendering import (
    NumberedReference,
    ReferenceEntry,
    find_citation_keys,
    plain_text,
    reference_list_html,
    render_body,
    sanitize_html,
)


def entry(key, **kwargs):
    return ReferenceEntry(key=key, formatted_html=f"<em>{key}</em> et al.", **kwargs)


@pytest.fixture
def refs():
    return {key: entry(key) for key in ["smith2020", "jones", "lee", "park", "kim", "doe"]}


def bare(html: str) -> str:
    """``html`` without the ids that the reference list links back to (tested on their own)."""
    return re.sub(r' id="cite-[0-9]+"', "", html)


def sup(*links, extra=""):
    """Expected citation superscript: ``sup(1, 2)`` -> links 1,2."""
    body = ",".join(f'<a href="#ref-{n}">{n}</a>' for n in links)
    return f'<sup class="citation">{body}{extra}</sup>'


class TagCollector(HTMLParser):
    """Records every start tag with its attributes."""

    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def parse_tags(html):
    collector = TagCollector()
    collector.feed(html)
    collector.close()
    return collector.tags


# ----------------------------------------------------------------- citation keys


def test_find_citation_keys_in_order_of_first_appearance():
    text = "A [@b]. B [@a; @b, p. 4]. C [@c:2020.x-y]. D [@a]."
    assert find_citation_keys(text) == ["b", "a", "c:2020.x-y"]


def test_find_citation_keys_ignores_code_and_escapes():
    text = (
        "Real [@real].\n\n"
        "Inline `[@span]` and ``double `[@span2]` ticks``.\n\n"
        "```\n[@fenced]\n```\n\n"
        "~~~python\nx = '[@tilde]'\n~~~\n\n"
        "    [@indented]\n\n"
        "Escaped \\[@escaped]."
    )
    assert find_citation_keys(text) == ["real"]


@pytest.mark.parametrize(
    "text",
    [
        "email me at someone@example.com",
        "bare @smith2020 is not bracketed",
        "[@ spaced]",
        "[see @prefix]",
        "[@trailing.]",
        "[]",
        "[@unclosed",
    ],
)
def test_non_citations(text):
    assert find_citation_keys(text) == []


def test_trailing_punctuation_is_not_part_of_the_key():
    assert find_citation_keys("[@a-b; @c:d, p. 1]") == ["a-b", "c:d"]


def test_find_citation_keys_handles_empty_text():
    assert find_citation_keys("") == []


# ------------------------------------------------------------------ numbering


def test_numbering_by_first_appearance_and_reuse(refs):
    result = render_body("First [@jones]. Then [@smith2020]. Again [@jones].", refs)
    assert bare(result.html) == (f"<p>First{sup(1)}. Then{sup(2)}. Again{sup(1)}.</p>")
    assert [(r.number, r.key) for r in result.references] == [(1, "jones"), (2, "smith2020")]
    assert result.unknown_keys == []


def test_group_renders_as_one_superscript(refs):
    result = render_body("Both [@smith2020; @jones].", refs)
    assert bare(result.html) == f"<p>Both{sup(1, 2)}.</p>"


def test_three_consecutive_numbers_collapse_to_range(refs):
    result = render_body("[@smith2020; @jones; @lee]", refs)
    assert '<sup class="citation"><a href="#ref-1">1</a>-<a href="#ref-3">3</a></sup>' in bare(result.html)


def test_range_then_gap(refs):
    text = "[@smith2020] [@jones] [@lee] [@park] [@kim]\n\nLater [@kim; @lee; @smith2020; @jones]."
    result = render_body(text, refs)
    expected = (
        '<sup class="citation"><a href="#ref-1">1</a>-<a href="#ref-3">3</a>,<a href="#ref-5">5</a></sup>'
    )
    assert f"Later{expected}." in bare(result.html)


def test_group_numbers_are_sorted_and_deduplicated(refs):
    result = render_body("[@smith2020] [@jones]\n\n[@jones; @smith2020; @jones]", refs)
    assert f"<p>{sup(1, 2)}</p>" in bare(result.html)


@pytest.mark.parametrize(
    ("locator", "shown"),
    [("p. 12", "p12"), ("pp. 12-14", "pp12-14"), ("12", "p12"), ("chap. 3", "chap. 3")],
)
def test_locator_is_shown_after_number(refs, locator, shown):
    result = render_body(f"[@smith2020] [@jones, {locator}]", refs)
    assert f'<sup class="citation"><a href="#ref-2">2</a>({shown})</sup>' in bare(result.html)


def test_locator_in_group_is_not_collapsed_into_range(refs):
    result = render_body("[@smith2020, p. 3; @jones; @lee]", refs)
    assert (
        '<sup class="citation"><a href="#ref-1">1</a>(p3),<a href="#ref-2">2</a>,<a href="#ref-3">3</a></sup>'
    ) in bare(result.html)


def test_unknown_keys_are_reported_and_marked(refs):
    result = render_body("Known [@jones; @ghost]. Lone [@<b>x</b>] [@missing].", refs)
    assert result.unknown_keys == ["ghost", "missing"]
    assert [r.key for r in result.references] == ["jones"]
    assert f'{sup(1)}<sup class="citation citation-unknown">[?ghost]</sup>' in bare(result.html)
    assert '<sup class="citation citation-unknown">[?missing]</sup>' in bare(result.html)


def test_unknown_keys_do_not_consume_numbers(refs):
    result = render_body("[@ghost] [@lee]", refs)
    assert result.references == [NumberedReference.from_entry(1, refs["lee"], "cite-1")]
    assert sup(1) in bare(result.html)


def test_citations_inside_code_are_left_alone(refs):
    text = "Use `[@jones]` syntax.\n\n```\n[@lee]\n```\n\nReal [@park]."
    result = render_body(text, refs)
    assert "<code>[@jones]</code>" in bare(result.html)
    assert "<pre><code>[@lee]\n</code></pre>" in bare(result.html)
    assert f"Real{sup(1)}." in bare(result.html)
    assert [r.key for r in result.references] == ["park"]


def test_citations_in_nested_blocks_are_numbered_in_document_order(refs):
    text = "- item [@lee]\n    - nested [@park]\n- next [@kim]\n\n> quote [@doe]\n\nEnd [@jones]"
    result = render_body(text, refs)
    assert [r.key for r in result.references] == ["lee", "park", "kim", "doe", "jones"]


def test_citations_in_headings_and_tables(refs):
    text = "# Intro [@lee]\n\n| a | b |\n|---|---|\n| [@kim] | x |\n"
    result = render_body(text, refs)
    assert f"<h2>Intro{sup(1)}</h2>" in bare(result.html)
    assert f"<td>{sup(2)}</td>" in bare(result.html)


def test_citation_inside_link_text_is_not_a_nested_link(refs):
    html = bare(render_body("[see [@lee]](https://example.org) and [@kim]", refs).html)
    assert (
        '<a href="https://example.org" rel="noopener noreferrer">see'
        '<sup class="citation">1</sup></a> and' + sup(2)
    ) in html


def test_citation_inside_raw_html_attribute_is_left_alone(refs):
    result = render_body('<span title="[@lee]">x</span> [@kim]', refs)
    assert bare(result.html) == f"<p>x{sup(1)}</p>"
    assert [r.key for r in result.references] == ["kim"]


# ------------------------------------------------------------ markdown features


def test_headings_are_shifted_down_one_level(refs):
    result = render_body("# One\n\n## Two\n\nSetext\n======\n\n###### Six", refs)
    assert "<h2>One</h2>" in bare(result.html)
    assert "<h3>Two</h3>" in bare(result.html)
    assert "<h2>Setext</h2>" in bare(result.html)
    assert "<h6>Six</h6>" in bare(result.html)
    assert "<h1" not in bare(result.html)


def test_raw_h1_is_stripped(refs):
    assert "<h1" not in render_body("<h1>Title</h1>", refs).html


def test_tables_and_lists_render(refs):
    text = "| a | b |\n|---|---|\n| 1 | 2 |\n\n1. one\n2. two\n\n* x"
    html = render_body(text, refs).html
    for tag in ("<table>", "<thead>", "<tbody>", "<td>1</td>", "<ol>", "<ul>"):
        assert tag in html


def test_external_links_get_rel_internal_do_not(refs):
    html = render_body('[site](https://example.org "Title") and [ref](#ref-1)', refs).html
    assert '<a href="https://example.org" title="Title" rel="noopener noreferrer">site</a>' in html
    assert '<a href="#ref-1">ref</a>' in html


# --------------------------------------------------------------------- security


@pytest.mark.parametrize(
    ("markdown_text", "forbidden"),
    [
        ("Hi <script>alert(1)</script> there", ["<script", "alert(1)"]),
        ("<script>\nalert(1)\n</script>", ["<script", "alert"]),
        ('<img src="x" onerror="alert(1)">', ["<img", "onerror"]),
        ("[x](javascript:alert(1))", ["javascript:"]),
        ("[x](JaVaScRiPt:alert(1))", ["javascript:", "JaVaScRiPt"]),
        ('<a href="javascript:alert(1)">x</a>', ["javascript:"]),
        ('<iframe src="https://evil.example"></iframe>', ["<iframe", "evil.example"]),
        ('<p onclick="alert(1)">hi</p>', ["onclick"]),
        ("<style>body{display:none}</style>", ["<style", "display"]),
        ("![x](https://evil.example/x.png)", ["<img"]),
        ('## Head {: onclick="alert(1)" }', ["onclick"]),  # attr_list extension
        ('<svg onload="alert(1)"></svg>', ["<svg", "onload"]),
        ('<a href="data:text/html,<script>">x</a>', ["data:"]),
    ],
)
def test_xss_is_stripped(refs, markdown_text, forbidden):
    html = render_body(markdown_text, refs).html
    for needle in forbidden:
        assert needle not in html


def test_disallowed_attributes_are_dropped_but_text_kept(refs):
    html = render_body('<p style="color:red" class="x">kept</p>', refs).html
    assert html == "<p>kept</p>"


def test_unknown_key_marker_is_plain_text():
    result = render_body('[@müller_2020] and [@x"onmouseover=alert(1)]', {})
    assert '<sup class="citation citation-unknown">[?müller_2020]</sup>' in bare(result.html)
    # '"' is not a key character: the second bracket is literal text, never markup.
    assert all("onmouseover" not in attrs for _, attrs in parse_tags(bare(result.html)))
    assert result.unknown_keys == ["müller_2020"]


def test_sanitize_html_directly():
    assert sanitize_html('<a href="//cdn.example/x">x</a>') == (
        '<a href="//cdn.example/x" rel="noopener noreferrer">x</a>'
    )
    # nh3 escapes ">" inside attribute values; the rel pass must still find the tag end.
    assert sanitize_html('<a title="a>b" href="http://e.x">t</a>') == (
        '<a title="a&gt;b" href="http://e.x" rel="noopener noreferrer">t</a>'
    )


markdownish = st.lists(
    st.sampled_from(
        [
            *"ab <>\"'=/[]@;,.`#*-_()\n:!{}&",
            *["<script>", "</script>", "onerror", "onclick=", "javascript:", "<img "],
            *["<a href=", "[@a]", "[@b; @c]", "<svg/onload=", "<iframe", "```\n"],
        ]
    ),
    max_size=80,
).map("".join)


@settings(max_examples=200, deadline=None)
@given(st.one_of(markdownish, st.text(max_size=80)))
def test_render_body_never_emits_script_or_event_handlers(text):
    refs = {"a": entry("a"), "b": entry("b")}
    html = render_body(text, refs).html
    for tag, attrs in parse_tags(html):
        assert tag not in {"script", "iframe", "img", "svg", "style"}
        for name, value in attrs.items():
            assert not name.lower().startswith("on")
            if name == "href":
                assert not (value or "").strip().lower().startswith(("javascript:", "data:"))
    assert "<script" not in html.lower()


# ------------------------------------------------------------- reference list


def test_reference_list_html_links_and_retracted_badge():
    references = [
        NumberedReference(1, "a", "<em>A</em>. Lancet.", doi="10.1000/xyz(1)", pmid="123456"),
        NumberedReference(2, "b", "B. BMJ.", retracted=True),
    ]
    html = reference_list_html(references)
    assert html.startswith('<ol class="references">')
    assert '<li id="ref-1" value="1"><em>A</em>. Lancet.' in html
    assert 'href="https://doi.org/10.1000/xyz(1)"' in html
    assert 'href="https://pubmed.ncbi.nlm.nih.gov/123456/"' in html
    assert '<li id="ref-2" value="2">B. BMJ. <span class="badge badge-retracted">Retracted' in html
    assert html.count("Retracted") == 1
    assert html.count('rel="noopener noreferrer"') == 2


def test_reference_list_normalises_doi_and_rejects_bad_pmid():
    html = reference_list_html([NumberedReference(1, "a", "A", doi="https://doi.org/10.1/a b", pmid="12; x")])
    assert 'href="https://doi.org/10.1/a%20b"' in html
    assert "pubmed" not in html


def test_reference_list_sanitises_formatted_html():
    html = reference_list_html([NumberedReference(1, "a", '<em>A</em><script>x()</script><img onerror="x">')])
    assert "<em>A</em>" in html
    assert "script" not in html
    assert "onerror" not in html


def test_reference_list_empty():
    assert reference_list_html([]) == ""


def test_rendered_body_reference_list_uses_cited_references(refs):
    refs = {**refs, "lee": entry("lee", doi="10.1/lee", retracted=True)}
    result = render_body("[@lee] [@jones]", refs)
    html = result.reference_list_html
    assert html.index('id="ref-1"') < html.index("<em>lee</em>") < html.index('id="ref-2"')
    assert "Retracted" in html
    assert "smith2020" not in html


# ------------------------------------------------------------------ plain text


def test_plain_text_drops_markup_and_citations(refs):
    result = render_body("# Title\n\nAspirin works [@lee].\n\n- a &amp; b", refs)
    assert plain_text(bare(result.html)) == "Title Aspirin works. a & b"


def test_a_reference_that_already_links_its_doi_gets_no_second_doi_link():
    formatted = 'Will JS. Back pain. <em>Am Fam Physician</em>. 2018. <a href="https://doi.org/10.1/abc">doi:10.1/abc</a>'
    html = reference_list_html([NumberedReference(1, "will", formatted, doi="10.1/ABC", pmid="30252425")])
    assert html.count("https://doi.org/10.1/abc") == 1
    assert "https://pubmed.ncbi.nlm.nih.gov/30252425/" in html


def test_the_superscript_sits_against_the_word_it_follows():
    rendered = render_body("Heat helps a little [@a].", {"a": entry("a")})
    assert 'little<sup class="citation">' in bare(rendered.html)


def test_each_reference_knows_the_superscript_that_first_cites_it(refs):
    result = render_body("A [@jones]. B [@smith2020; @lee]. C [@jones; @park].", refs)

    assert '<sup class="citation" id="cite-1"><a href="#ref-1">1</a></sup>' in result.html
    assert (
        '<sup class="citation" id="cite-2"><a href="#ref-2">2</a>,<a href="#ref-3">3</a></sup>' in result.html
    )
    assert (
        '<sup class="citation" id="cite-4"><a href="#ref-1">1</a>,<a href="#ref-4">4</a></sup>' in result.html
    )
    assert [(ref.number, ref.cited_at) for ref in result.references] == [
        (1, "cite-1"),
        (2, "cite-2"),
        (3, "cite-2"),
        (4, "cite-4"),
    ]


def test_the_reference_list_groups_guidelines_then_research_keeping_numbers():
    references = {
        "trial": entry("trial", group="research"),
        "nice": entry("nice", group="guidelines"),
        "blog": entry("blog", group="other"),
    }
    result = render_body("A [@trial]. B [@blog]. C [@nice].", references)
    html = result.reference_list_html

    headings = re.findall(r'<h3 class="reference-group-title"[^>]*>([^<]+)</h3>', html)
    assert headings == ["From the guidelines", "From the research", "Other sources"]
    numbers = re.findall(r'<li id="ref-([0-9]+)"', html)
    assert numbers == ["3", "1", "2"]
    assert '<a class="reference-backlink" href="#cite-3"' in html


def test_a_reference_list_without_guidelines_or_research_is_one_list(refs):
    html = render_body("A [@jones]. B [@lee].", refs).reference_list_html
    assert "reference-group-title" not in html
    assert html.count("<ol") == 1
