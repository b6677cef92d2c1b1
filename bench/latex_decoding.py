"""Benchmark of LaTeX decoding in the BibTeX reader: seconds for one field of 100 KB to 2 MB.

    .venv/bin/python bench/latex_decoding.py                      # 100 KB, 400 KB, 1 MB, 2 MB
    .venv/bin/python bench/latex_decoding.py --sizes 200000 800000

For each size (in characters) it prints three timings:

- ``read``: ``read_bibtex`` on one entry whose ``abstract`` is that long, in prose with the
  markup of real bibliographic data (``M{\\"u}ller``, ``{\\'e}``, ``\\c{c}``, ``30--40\\%``,
  braced words, ``et al.\\ ``). It includes cutting the block and bibtexparser; a field over
  the reader's limit is refused, and the line says so.
- ``decode``: the reader's LaTeX decoder alone on the same text (no limit applies).
- ``other``: the decoder on prose with markup beyond that (``\\emph{...}``, ``$\\beta$``),
  which goes through the full parser.

Each figure is one run in this process, after a small warm-up read; wall time.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from articles.library.citations import read_bibtex  # noqa: E402

# The reader's decoder, to time decoding on its own, beyond the reader's per-field limit.
from articles.library.citations.readers.bibtex import _LATEX  # noqa: E402

COMMON = (
    r"Patients treated by Dr M{\"u}ller and Dr Garc{\'\i}a reported 30--40\% less pain at {NICE} follow-up. ",
    r"The {\'e}tude {\c{c}}a va compared na{\"\i}ve cohorts (n = 1200) over 12--18 months. ",
    r"Adverse events were rare; see {Table~2} and the {World Health Organization} criteria. ",
    r"Outcomes in {\"O}zt{\"u}rk et al.\ were consistent with the {GRADE} assessment of certainty. ",
    "Plain prose without any markup makes up most of a real abstract, sentence after sentence. ",
)
OTHER = (
    r"Effects \emph{in vivo} of $\beta$-blockers were larger than \textit{in vitro} ones. ",
    r"Doses above $10\,\mathrm{mg}$ doubled the risk (see \cite{smith2020} and {\"O}zt{\"u}rk). ",
    "Plain prose without any markup makes up most of a real abstract, sentence after sentence. ",
)


def prose(sentences: tuple[str, ...], size: int) -> str:
    """``size`` characters of the sentences in turn: whole sentences, padded with spaces."""
    text = []
    length = 0
    while length + len(sentences[len(text) % len(sentences)]) <= size:
        text.append(sentences[len(text) % len(sentences)])
        length += len(text[-1])
    return "".join(text).ljust(size)


def entry(abstract: str) -> str:
    return (
        "@article{bench2024,\n"
        "  title = {A trial with a very long abstract},\n"
        "  author = {M{\\\"u}ller, J{\\\"o}rg and Garc{\\'\\i}a, Mar{\\'\\i}a},\n"
        "  journal = {The Lancet},\n"
        "  year = {2024},\n"
        f"  abstract = {{{abstract}}},\n"
        "}\n"
    )


def timed(function, *args):
    started = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 400_000, 1_000_000, 2_000_000])
    args = parser.parse_args()
    list(read_bibtex(entry(prose(COMMON, 1_000))))  # warm-up: imports, pylatexenc's tables
    print(f"{'characters':>10}  {'read':>7}  {'decode':>7}  {'other':>7}")
    for size in args.sizes:
        common = prose(COMMON, size)
        read_seconds, entries = timed(lambda text: list(read_bibtex(text)), entry(common))
        decode_seconds, _ = timed(_LATEX.decode, common)
        other_seconds, _ = timed(_LATEX.decode, prose(OTHER, size))
        outcome = (entries[0].error or "read") if len(entries) == 1 else f"{len(entries)} entries"
        print(
            f"{size:>10,}  {read_seconds:6.2f}s  {decode_seconds:6.2f}s  {other_seconds:6.2f}s  {outcome}",
            flush=True,
        )


if __name__ == "__main__":
    main()
