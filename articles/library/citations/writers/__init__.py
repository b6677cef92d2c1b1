"""Writers for CSL-JSON items: BibTeX (BibLaTeX-flavoured), RIS and CSL-JSON, one module each.

Each format has a streaming ``iter_*`` variant yielding one chunk per item, so a large
export can be sent as it is produced, and a ``write_*`` convenience returning one string.
Reading a writer's output back with the readers gives the same items for every field
the format can carry (see the package docstring for the few lossy corners).
"""

from .bibtex import iter_bibtex, write_bibtex
from .csl_json import iter_csl_json, write_csl_json
from .ris import iter_ris, write_ris

__all__ = [
    "iter_bibtex",
    "iter_csl_json",
    "iter_ris",
    "write_bibtex",
    "write_csl_json",
    "write_ris",
]
