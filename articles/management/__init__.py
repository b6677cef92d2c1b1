"""Management commands of the articles app, and the progress bar the file imports share."""

from __future__ import annotations

import io
import sys
from contextlib import contextmanager

from tqdm import tqdm


class _CountingReader(io.RawIOBase):
    """A binary file that advances a progress bar by the bytes read from it; going back to the
    start (an import's second pass) starts the bar again."""

    def __init__(self, raw, bar: tqdm):
        self._raw = raw
        self._bar = bar

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        count = self._raw.readinto(buffer)
        self._bar.update(count or 0)
        return count

    def seekable(self) -> bool:
        return self._raw.seekable()

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        position = self._raw.seek(offset, whence)
        if position == 0:
            self._bar.reset(total=self._bar.total)
        else:
            self._bar.n = position
        return position

    def tell(self) -> int:
        return self._raw.tell()


@contextmanager
def reading_with_progress(path, *, desc: str, enabled: bool = True):
    """Open ``path`` for reading as a buffered binary file, with a tqdm bar (on stderr) of the bytes read.

    Yields ``(binary_file, bar)``; counting bytes rather than entries gives a percentage and
    an estimate of the time left without counting the entries first.
    """
    with (
        open(path, "rb") as raw,
        tqdm(
            total=raw.seek(0, io.SEEK_END) or None,
            unit="B",
            unit_scale=True,
            unit_divisor=1024,
            desc=desc,
            file=sys.stderr,
            disable=not enabled,
            dynamic_ncols=True,
        ) as bar,
    ):
        raw.seek(0)
        yield io.BufferedReader(_CountingReader(raw, bar)), bar
