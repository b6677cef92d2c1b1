"""Benchmark of the streaming imports: sources (RIS) and a Retraction Watch CSV.

    .venv/bin/python bench/import_bench.py                 # 1k and 10k entries; 10k and 100k rows
    .venv/bin/python bench/import_bench.py --entries 20000 --rows 200000
    .venv/bin/python bench/import_bench.py --only editing --entries 20000

Generates the files in a temporary directory, then runs ``manage.py import_sources`` and
``manage.py import_retractions`` (with their progress bars) on a fresh SQLite database, each
scenario in its own process, twice: once for the wall time and the process's peak RSS, once
under ``tracemalloc`` for the peak of Python allocations during the import (tracemalloc slows
the run down, so its time is not the one reported). Memory that does not grow with the file
shows as the same peak for the small and the large file.

The retraction library is the large RIS file; a few approved articles cite sources the CSV
retracts, so the run includes real workflow transitions and notifications.

The editing scenario imports the large RIS file (a dry run, then for real) while another
process edits an article every 100 ms through the service the API's PATCH calls
(``article_update_content``), and prints how long each edit took: the median, the worst, and
how many failed (SQLite's "database is locked" once its 20 s busy timeout runs out). The goal
is every edit answered within a second.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MATCHED_DOI = "10.5555/bench.{}"
FIRST_PMID = 40_000_000
FAMILIES = (
    "Smith",
    "Nguyen",
    "Müller",
    "García",
    "Öztürk",
    "Kowalski",
    "O'Brien",
    "van Tulder",
    "Chen",
    "Rossi",
)
GIVENS = ("Anna K", "Jeffrey S", "María José", "Jörg", "Ayşe", "Li", "Robert", "Søren", "Chris G", "Amit N")
JOURNALS = (
    ("The Lancet", "Lancet"),
    ("The New England Journal of Medicine", "N Engl J Med"),
    ("JAMA", "JAMA"),
    ("BMJ", "BMJ"),
    ("American Family Physician", "Am Fam Physician"),
)
TYPES = ("Review", "Randomized Controlled Trial", "Cohort Study", "Systematic Review", "Case Report")
NATURES = (("Retraction", 70), ("Correction", 15), ("Expression of concern", 10), ("Reinstatement", 5))
CSV_HEADER = (
    "Record ID,Title,Subject,Institution,Journal,Publisher,Country,Author,URLS,ArticleType,RetractionDate,"
    "RetractionDOI,RetractionPubMedID,OriginalPaperDate,OriginalPaperDOI,OriginalPaperPubMedID,"
    "RetractionNature,Reason,Paywalled,Notes"
)


# Files ---------------------------------------------------------------------------------------


def write_ris(path: Path, entries: int, seed: int = 1) -> None:
    """``entries`` journal articles with 3-8 authors, a unique DOI and PMID, a wrapped title."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for i in range(entries):
            journal, short = rng.choice(JOURNALS)
            year = rng.randint(1995, 2024)
            first = rng.randint(1, 2000)
            out.write("TY  - JOUR\n")
            out.write(f"ID  - bench{i}\n")
            for _ in range(rng.randint(3, 8)):
                out.write(f"AU  - {rng.choice(FAMILIES)}, {rng.choice(GIVENS)}\n")
            out.write(f"TI  - Outcomes of intervention {i} in adults with chronic low back pain: a\n")
            out.write("      multicentre study of pain, function and adverse events\n")
            out.write(f"T2  - {journal}\nJ2  - {short}\nPY  - {year}\nVL  - {rng.randint(1, 400)}\n")
            out.write(f"IS  - {rng.randint(1, 24)}\nSP  - {first}\nEP  - {first + rng.randint(2, 12)}\n")
            out.write(f"DO  - {MATCHED_DOI.format(i)}\nAN  - {FIRST_PMID + i}\n")
            out.write(f"M3  - {rng.choice(TYPES)}\nER  - \n\n")


def write_retraction_watch(path: Path, rows: int, library: int, match: float, seed: int = 2) -> list[int]:
    """``rows`` Retraction Watch rows; a share ``match`` names library sources (by DOI or PMID).

    Returns the library indices that the file retracts, in file order.
    """
    rng = random.Random(seed)
    natures = [nature for nature, weight in NATURES for _ in range(weight)]
    retracted = []
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(CSV_HEADER + "\r\n")
        for record in range(1, rows + 1):
            nature = rng.choice(natures)
            if rng.random() < match:
                index = rng.randrange(library)
                by_doi = rng.random() < 0.7
                doi = MATCHED_DOI.format(index) if by_doi else "unavailable"
                pmid = 0 if by_doi else FIRST_PMID + index
                if nature == "Retraction":
                    retracted.append(index)
            else:
                doi, pmid = f"10.{rng.randint(1000, 99999)}/rw.{record}", rng.choice((0, 10_000_000 + record))
            month, day, year = rng.randint(1, 12), rng.randint(1, 28), rng.randint(2000, 2024)
            notes = '"Notes span\ntwo lines, as some do."' if record % 97 == 0 else ""
            out.write(
                f'{record},"Title of paper {record}, with a comma",(HSC) Medicine - Oncology;,'
                f'"Some University, Some City",Journal {record % 500},Publisher,Country,'
                f"A Author;B Author,https://retractionwatch.com/{record}/,Research Article;,"
                f"{month}/{day}/{year} 0:00,10.9999/notice.{record},0,1/1/1999 0:00,{doi},{pmid},"
                f"{nature},+Concerns/Issues About Data;+Investigation by Journal/Publisher;,No,{notes}\r\n"
            )
    return retracted


# One scenario (child process) ----------------------------------------------------------------


def _rss_mib() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _setup_django(db: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "import-bench-only")
    os.environ["DJANGO_SETTINGS_MODULE"] = "editorial.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _approved_articles_citing(keys: list[str]) -> None:
    """A few approved articles citing sources the CSV retracts, reached through the workflow."""
    from tests import factories, states

    topic = factories.SpecialtyFactory(name="Orthopaedics", slug="orthopaedics")
    other = factories.SpecialtyFactory(name="Pharmacology", slug="pharmacology")
    author = factories.AuthorFactory(username="bench_author")
    editor = factories.EditorFactory(username="bench_editor")
    reviewers = [
        factories.BoardMemberFactory(user__username="bench_rev1", specialties=[topic]),
        factories.BoardMemberFactory(user__username="bench_rev2", specialties=[other]),
    ]
    for n, key in enumerate(keys):
        article = factories.ArticleFactory(
            author=author, topic=topic, title=f"Bench article {n}", body=f"Evidence [@{key}]."
        )
        article = states.under_review(states.submitted(article, author), editor, reviewers)
        states.approved(article, reviewers)


def editor(args) -> None:
    """Edit an article every 100 ms until the stop file exists; print the edits' latencies."""
    from django.db import OperationalError

    from articles.services import article_update_content
    from tests import factories

    author = factories.AuthorFactory(username="bench_editing")
    article = factories.ArticleFactory(author=author, topic=factories.SpecialtyFactory(slug="bench-editing"))
    stop = Path(args.stop)
    Path(args.ready).touch()
    latencies, failed = [], 0
    while not stop.exists():
        started = time.perf_counter()
        try:
            article_update_content(actor=author, article=article, changes={"title": f"Edit {len(latencies)}"})
        except OperationalError:
            failed += 1
        latencies.append(time.perf_counter() - started)
        time.sleep(max(0.0, 0.1 - (time.perf_counter() - started)))
    latencies.sort()
    print(
        "RESULT "
        + json.dumps(
            {
                "edits": len(latencies),
                "failed": failed,
                "median_ms": round(latencies[len(latencies) // 2] * 1000, 1),
                "worst_ms": round(latencies[-1] * 1000, 1),
            }
        ),
        flush=True,
    )


def child(args) -> None:
    _setup_django(Path(args.db))
    from django.core.management import call_command

    if args.child == "editor":
        editor(args)
        return
    if args.child == "migrate":
        call_command("migrate", verbosity=0)
        return
    if args.child == "retractions":
        call_command("import_sources", args.library, "--format", "ris", "--no-progress", verbosity=0)
        _approved_articles_citing([f"bench{index}" for index in json.loads(args.cite)])
    command = ["import_sources", args.file, "--format", "ris", *(["--dry-run"] if args.dry_run else [])]
    if args.child == "retractions":
        command = ["import_retractions", args.file]
    rss_before = _rss_mib()
    if args.tracemalloc:
        tracemalloc.start()
    started = time.perf_counter()
    call_command(*command)
    wall = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] / 2**20 if args.tracemalloc else None
    print(
        "RESULT "
        + json.dumps(
            {
                "wall_s": round(wall, 2),
                "tracemalloc_peak_mib": round(peak, 1) if peak is not None else None,
                "rss_before_mib": round(rss_before, 1),
                "max_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            }
        ),
        flush=True,
    )


# Driver --------------------------------------------------------------------------------------


def run_child(*options: str) -> dict:
    process = subprocess.run(
        [sys.executable, __file__, *options], cwd=ROOT, stdout=subprocess.PIPE, text=True, check=True
    )
    sys.stdout.write(
        "".join(line + "\n" for line in process.stdout.splitlines() if not line.startswith("RESULT "))
    )
    results = [line[7:] for line in process.stdout.splitlines() if line.startswith("RESULT ")]
    return json.loads(results[-1]) if results else {}


def while_editing(template: Path, work: Path, ris: Path, *, dry_run: bool) -> dict:
    """Import ``ris`` (timed) while an editor process edits an article every 100 ms."""
    db = work / f"editing_{int(dry_run)}.sqlite3"
    shutil.copy(template, db)
    ready, stop = work / "editor.ready", work / "editor.stop"
    ready.unlink(missing_ok=True)
    stop.unlink(missing_ok=True)
    options = ["--db", str(db), "--ready", str(ready), "--stop", str(stop)]
    editing = subprocess.Popen(
        [sys.executable, __file__, "--child", "editor", *options], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        while not ready.exists():
            if editing.poll() is not None:
                raise RuntimeError("the editor process stopped before it was ready")
            time.sleep(0.05)
        imported = run_child(
            "--child", "sources", "--db", str(db), "--file", str(ris), *(["--dry-run"] if dry_run else [])
        )
    finally:
        stop.touch()
        output, _ = editing.communicate(timeout=120)
    results = [line[7:] for line in output.splitlines() if line.startswith("RESULT ")]
    db.unlink()
    return {"wall_s": imported.get("wall_s"), **json.loads(results[-1])}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--entries", type=int, default=10_000, help="Entries in the large RIS file.")
    parser.add_argument("--rows", type=int, default=100_000, help="Rows in the large Retraction Watch CSV.")
    parser.add_argument(
        "--match", type=float, default=0.005, help="Share of CSV rows naming library sources."
    )
    parser.add_argument(
        "--articles", type=int, default=10, help="Approved articles citing retracted sources."
    )
    parser.add_argument("--keep", action="store_true", help="Keep the temporary directory.")
    parser.add_argument(
        "--only", choices=["sources", "retractions", "editing"], help="Run one scenario only."
    )
    parser.add_argument(
        "--child", choices=["migrate", "sources", "retractions", "editor"], help=argparse.SUPPRESS
    )
    parser.add_argument("--dry-run", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--ready", help=argparse.SUPPRESS)
    parser.add_argument("--stop", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--library", help=argparse.SUPPRESS)
    parser.add_argument("--cite", default="[]", help=argparse.SUPPRESS)
    parser.add_argument("--tracemalloc", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return

    work = Path(tempfile.mkdtemp(prefix="import-bench-"))
    try:
        small, large = max(args.entries // 10, 1), args.entries
        small_rows, large_rows = max(args.rows // 10, 1), args.rows
        files = {}
        for entries in (small, large):
            files[entries] = work / f"sources_{entries}.ris"
            write_ris(files[entries], entries)
        cite = {}
        for rows in (small_rows, large_rows) if args.only in (None, "retractions") else ():
            files[f"rw{rows}"] = work / f"retraction_watch_{rows}.csv"
            retracted = write_retraction_watch(files[f"rw{rows}"], rows, large, args.match)
            cite[rows] = list(dict.fromkeys(retracted))[: args.articles]
        template = work / "template.sqlite3"
        run_child("--child", "migrate", "--db", str(template))

        scenarios = []
        if args.only in (None, "sources"):
            scenarios += [("sources", small, files[small], []), ("sources", large, files[large], [])]
        scenarios += [("retractions", rows, files[f"rw{rows}"], cite[rows]) for rows in cite]
        editing = []
        if args.only in (None, "editing"):
            for dry_run in (True, False):
                label = "dry run" if dry_run else "import"
                print(f"\n== {label} of {large:,} entries, an article edited every 100 ms", flush=True)
                editing.append((label, while_editing(template, work, files[large], dry_run=dry_run)))
        report = []
        for kind, size, path, cited in scenarios:
            row = {"import": kind, "size": size, "file_mib": round(path.stat().st_size / 2**20, 1)}
            for traced in (False, True):
                db = work / f"{kind}_{size}_{int(traced)}.sqlite3"
                shutil.copy(template, db)
                label = "(tracemalloc)" if traced else "(timed)"
                print(
                    f"\n== {kind} import, {size:,} {'entries' if kind == 'sources' else 'rows'} {label}",
                    flush=True,
                )
                options = ["--child", kind, "--db", str(db), "--file", str(path)]
                options += ["--library", str(files[large]), "--cite", json.dumps(cited)]
                result = run_child(*options, *(["--tracemalloc"] if traced else []))
                if traced:
                    row["tracemalloc_peak_mib"] = result["tracemalloc_peak_mib"]
                else:
                    row.update(wall_s=result["wall_s"], rss_before_mib=result["rss_before_mib"])
                    row["max_rss_mib"] = result["max_rss_mib"]
                db.unlink()
            report.append(row)
        if report:
            print(
                "\nimport       size     file MiB  wall s  tracemalloc peak MiB  RSS before MiB  max RSS MiB"
            )
        for row in report:
            print(
                f"{row['import']:<12} {row['size']:>8,} {row['file_mib']:>9} {row['wall_s']:>7} "
                f"{row['tracemalloc_peak_mib']:>21} {row['rss_before_mib']:>15} {row['max_rss_mib']:>12}"
            )
        if editing:
            print(f"\n{large:,} entries  wall s  edits  failed  median edit ms  worst edit ms")
            for label, row in editing:
                print(
                    f"{label:<15} {row['wall_s']:>7} {row['edits']:>6} {row['failed']:>7} "
                    f"{row['median_ms']:>15} {row['worst_ms']:>14}"
                )
    finally:
        if args.keep:
            print(f"\nFiles kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
