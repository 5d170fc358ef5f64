"""How much an import reads before it refuses: a file someone hands over may be a zip bomb
(4 MB on disk, gigabytes inside), one cell of millions of characters, or JSON of millions
of tiny values; each would exhaust the memory of a shared server before any row is
checked. Each limit is several times what the largest agency we measure needs (500
clients, 110,000 interactions: a 35 MB JSON export, 12 MB of CSV), and a refusal names the
file and the limit, and writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from storage.errors import StorageError

MB = 1024 * 1024


class TooLarge(StorageError):
    """An import over one of its limits: nothing was read into the data."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportLimits:
    #: bytes read in all: the file, or every CSV of a zip or a folder once uncompressed
    bytes: int = 64 * MB
    #: files in a zip or a folder
    files: int = 1_000
    #: records of one import: the rows of every CSV together, or a JSON export's records
    rows: int = 250_000
    #: characters in one CSV cell (the longest text a record holds is 20,000)
    cell: int = 65_536
    #: values in a JSON export (every record, field and list item counts)
    json_values: int = 3_000_000
    #: problems found before reading stops (the command line shows the first 200)
    problems: int = 1_000


def stopped(source: str, limit: int) -> str:
    """The last problem of an import that had too many to go on."""
    return f"{source}: stopped reading after {limit:,} problems (is it the file you meant?)"


LIMITS = ImportLimits()


def size(n: int) -> str:
    """``64 MB``, ``1.5 MB``, ``300 bytes``: a limit as people read it."""
    if n < MB:
        return f"{n:,} bytes"
    return f"{n / MB:,.1f}".removesuffix(".0") + " MB"
