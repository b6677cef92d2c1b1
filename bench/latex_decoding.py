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

Then the worst cases, each one ``read_bibtex`` of a file (``--worst-size`` characters, 1 MB by
default), with the outcome: a field of ``\\emph{...}`` markup (and of ``$a$``, the dearest markup
for pylatexenc) as a title, which the reader decodes, and as an abstract, which it never keeps;
the same markup at the reader's per-entry limit; an abstract holding a brace and then
``--newlines`` blank lines (the missing-comma check); and a file of ``--macros`` ``@string``
macros followed by as many entries.

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


# Within the reader's per-entry limit (bibtex._MAX_READ_LENGTH) with the entry's other fields.
AT_LIMIT = 49_900


def with_field(name: str, value: str) -> str:
    fields = {"title": "A trial", "author": "Doe, Jane", "year": "2024", name: value}
    return "@article{bench2024,\n" + ",\n".join(f"  {k} = {{{v}}}" for k, v in fields.items()) + "\n}\n"


def repeated(unit: str, size: int) -> str:
    """``size`` characters of whole ``unit``s, padded with spaces."""
    return (unit * (size // len(unit))).ljust(size)


def worst_cases(size: int, newlines: int, macros: int) -> list[tuple[str, str]]:
    """(label, file) of the costliest inputs found for the reader."""
    emph, dollars = repeated(r"\emph{a} ", size), repeated("$a$", size)
    return [
        (f"title, {size:,} chars of \\emph{{a}}", with_field("title", emph)),
        (f"abstract, {size:,} chars of \\emph{{a}}", with_field("abstract", emph)),
        (f"title, {size:,} chars of $a$", with_field("title", dollars)),
        (f"title, {AT_LIMIT:,} chars of $a$", with_field("title", dollars[:AT_LIMIT])),
        (f"abstract, '{{}}' and {newlines:,} newlines", with_field("abstract", "{}" + "\n" * newlines)),
        (
            f"{macros:,} @string macros, {macros:,} entries",
            "".join(f'@string{{m{i} = "x"}}\n' for i in range(macros))
            + "".join(f"@misc{{k{i}, title = {{T}}, journal = m{i}}}\n" for i in range(macros)),
        ),
    ]


def timed(function, *args):
    started = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 400_000, 1_000_000, 2_000_000])
    parser.add_argument("--worst-size", type=int, default=1_000_000, help="Characters of a worst-case field.")
    parser.add_argument("--newlines", type=int, default=1_000_000, help="Newlines of the blank-lines case.")
    parser.add_argument("--macros", type=int, default=1_000, help="Macros (and entries) of the macro case.")
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
    print(f"\n{'worst case':<40}  {'read':>7}  outcome")
    for label, text in worst_cases(args.worst_size, args.newlines, args.macros):
        seconds, entries = timed(lambda text: list(read_bibtex(text)), text)
        errors = [entry.error for entry in entries if entry.error]
        outcome = errors[0] if errors else f"{len(entries):,} read"
        print(f"{label:<40}  {seconds:6.2f}s  {outcome}", flush=True)


if __name__ == "__main__":
    main()
