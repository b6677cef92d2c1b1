"""LaTeX decoding of BibTeX values: the same text as pylatexenc's own converter, in linear time."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pylatexenc.latex2text import LatexNodes2Text
from pylatexenc.latexwalker import get_default_latex_context_db

from articles.library.citations.readers import latex

# pylatexenc's converter as it comes, in the reader's LaTeX context: the reference.
STOCK = LatexNodes2Text(latex_context=latex.DECODER.latex_context, math_mode="verbatim")

COMMON_MARKUP = [
    r"\"u", r"\"{u}", r"{\"u}", r"\" o", r"\'\i", r"\'{\i}", r"\'\j", r"\c c", r"\c{c}", r"\c  {c}",
    r"\v{s}", r"\H o", r"\~n", r"\^e", r"\=a", r"\.z", r"\`a", r"\u{g}", r"\r a", r"\k e", r"\d{o}",
    r"\b{x}", r"\'{}", r"\ss", r"\o", r"\L", r"\i", r"\j", r"\aa", r"\AE", r"\%", r"\&", r"\_", r"\{",
    r"\}", r"\$", r"\#", "\\ ", "\\\n", "--", "---", "``", "''", "~", "!`", "?`", "{", "}", "{NICE}", "{}", "{ }",
]  # fmt: skip
OTHER_MARKUP = [
    r"\emph{x}", "$x^2$", "$", "%c\n", "%", "&", "\\\\", r"\unknown", "\\", r"\url{a%20b}",
    r"\textasciicircum{}", r"\t{oo}", r"\'", r"\c", r"\"{\o}",
]  # fmt: skip
TEXT = [
    "a", "Ab", "x1", "de", ".", ",", "-", "'", "`", "[", "]", "(", "!", "?", "#", "^", "_", "*",
    "é", "²", "ß", "\u0301", " ", "  ", " " * 40, "\n", "\n\n", "\t", " \n ",
]  # fmt: skip


def latex_texts(pieces):
    return st.lists(st.sampled_from(pieces), min_size=1, max_size=16).map("".join)


def outcome(decode, text):
    try:
        return decode(text)
    except Exception as error:  # the same failure counts as the same outcome
        return type(error)


@given(text=latex_texts(TEXT + COMMON_MARKUP))
def test_common_markup_decodes_as_pylatexenc_does(text):
    assert outcome(latex.latex_to_text, text) == outcome(STOCK.latex_to_text, text)


@given(text=latex_texts(TEXT + COMMON_MARKUP + OTHER_MARKUP))
def test_any_markup_decodes_as_pylatexenc_does(text):
    assert outcome(latex.latex_to_text, text) == outcome(STOCK.latex_to_text, text)
    assert outcome(latex.DECODER.latex_to_text, text) == outcome(STOCK.latex_to_text, text)


@pytest.mark.parametrize(
    "special", sorted(spec.specials_chars for spec in get_default_latex_context_db().iter_specials_specs())
)
def test_every_special_pylatexenc_knows_is_decoded_as_it_does(special):
    text = f"a{special}b {special} c{special}"
    assert latex.latex_to_text(text) == STOCK.latex_to_text(text)


def test_the_full_parser_gives_pylatexenc_text_on_a_long_value_over_many_lines():
    sentence = r"Effects \emph{in vivo} of $\beta$-blockers, M{\"u}ller~et al.\ 30--40\%."
    text = "\n".join(f"{sentence} {n}" for n in range(500))
    assert latex.DECODER.latex_to_text(text) == STOCK.latex_to_text(text)


def test_a_long_value_of_common_markup_never_goes_whole_through_the_full_parser(monkeypatch):
    parsed = []
    full_parser = latex.DECODER.latex_to_text

    def recording(text, **flags):
        parsed.append(len(text))
        return full_parser(text, **flags)

    monkeypatch.setattr(latex.DECODER, "latex_to_text", recording)
    text = r"M{\"u}ller and Garc{\'\i}a: 30--40\% of {NICE} na{\"\i}ve cohorts, et al.\ {\c{c}}a. " * 500
    assert latex.latex_to_text(text) == STOCK.latex_to_text(text)
    # Token by token (the longest is 5 characters), each of the 7 distinct tokens at most once.
    assert max(parsed, default=0) <= 5
    assert len(parsed) <= 7
