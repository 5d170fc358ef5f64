"""What a review needs, kept beside the data file so that a cold ``review`` reads a fraction.

Reading every record costs most of a review (parsing and building 100,000 interactions);
:func:`tracker.review_inputs.for_review` keeps only what reviews from a given day on can
depend on (about a quarter at agency scale). That subset is written here (``NAME.json.digest``,
marshal, private to the data's group like every other file), keyed by the identity of the
data file and the last change it includes. A review then reads the digest and replays the
journal's later changes on top; when the data file was replaced (a compaction, a restore) or
the day is before the digest's, the digest is not used and the records are read as usual.
It is advisory: anything unexpected in it means "not used".
"""

from __future__ import annotations

import contextlib
import marshal
from dataclasses import fields
from datetime import date
from pathlib import Path
from typing import Any

from storage.codecs import DecodeError, encode, fast_decoder
from storage.errors import StorageError
from storage.files import atomic_write, identity
from storage.tables import TABLE_OF, TABLES
from tracker.models import Agency, Interaction, InteractionKind

VERSION = 2  # 2: interactions carry who attended


def digest_path(data_file: Path) -> Path:
    return data_file.with_name(data_file.name + ".digest")


def _base_key(data_file: Path, thresholds: object) -> dict[str, Any]:
    return {"v": VERSION, "base": list(identity(data_file) or ()), "t": repr(thresholds)}


def current(data_file: Path, thresholds: object, base: tuple[int, ...] | None) -> bool:
    """Is there a digest made from this base (so no need to write one)?"""
    try:
        doc = marshal.loads(digest_path(data_file).read_bytes())
        return bool(doc["key"] == _base_key(data_file, thresholds)
                    and list(base or ()) == doc["key"]["base"])
    except (OSError, EOFError, ValueError, TypeError, KeyError):
        return False


def write(data_file: Path, agency: Agency, built: date, seq: int, base: tuple[int, ...] | None,
          thresholds: object, mode: int) -> None:
    """``agency``: the subset (see module doc) as of change ``seq`` of ``base``."""
    key = _base_key(data_file, thresholds)
    if list(base or ()) != key["base"]:
        return  # the data file changed under us: a digest of it would be of nothing
    doc = {"key": key, "seq": seq, "built": built.isoformat(),
           "tables": {name: [encode(r) for r in getattr(agency, name)]
                      for name in TABLES.values() if name != "interactions"},
           # the bulk, as rows of values in field order: half the size, twice as fast
           "interactions": [(i.id, i.client_id, i.kind.value, i.on.toordinal(), i.author,
                             i.notes, i.attendees_ours, i.attendees_theirs, i.rev)
                            for i in agency.interactions]}
    with contextlib.suppress(OSError, StorageError):
        atomic_write(digest_path(data_file), marshal.dumps(doc), mode)


_FIELDS = ("id", "client_id", "kind", "on", "author", "notes", "attendees_ours",
           "attendees_theirs", "rev")


def _interactions(rows: list[tuple[Any, ...]]) -> dict[str, Interaction]:
    """Rows back to records, storing through the slots: the values were checked when the
    records were first read and written by us; a row of the wrong shape or an unknown kind
    raises, and the digest is then not used."""
    if tuple(f.name for f in fields(Interaction)) != _FIELDS:
        raise ValueError("the record changed shape")
    new, cls, kinds, day = object.__new__, Interaction, {k.value: k for k in InteractionKind}, \
        date.fromordinal
    s_id, s_client, s_kind, s_on, s_author, s_notes, s_ours, s_theirs, s_rev = (
        getattr(Interaction, f).__set__ for f in _FIELDS)
    out: dict[str, Interaction] = {}
    for rid, cid, kind, on, author, notes, ours, theirs, rev in rows:
        x = new(cls)
        s_id(x, rid)
        s_client(x, cid)
        s_kind(x, kinds[kind])
        s_on(x, day(on))
        s_author(x, author)
        s_notes(x, notes)
        s_ours(x, ours)
        s_theirs(x, theirs)
        s_rev(x, rev)
        out[rid] = x
    return out


def read(data_file: Path, day: date, thresholds: object,
         changes_since: Any) -> Agency | None:
    """The digest brought up to date with the journal, or None if it cannot be used for
    ``day``. ``changes_since(seq)`` gives the journal's later change sets."""
    try:
        doc = marshal.loads(digest_path(data_file).read_bytes())
        if doc["key"] != _base_key(data_file, thresholds):
            return None
        if date.fromisoformat(doc["built"]) > day:
            return None
        tables: dict[type, dict[str, Any]] = {}
        decoders: dict[type, Any] = {cls: fast_decoder(cls) for cls in TABLES}
        for cls, name in TABLES.items():
            dec = decoders[cls]
            tables[cls] = {d["id"]: dec(d) for d in doc["tables"].get(name, ())}
        tables[Interaction] = _interactions(doc["interactions"])
        for entry in changes_since(int(doc["seq"])):
            for table, record_id, new in entry["ops"]:
                cls = TABLE_OF[table]
                if new is None:
                    tables[cls].pop(record_id, None)
                else:
                    tables[cls][record_id] = decoders[cls](new)
        if doc["key"] != _base_key(data_file, thresholds):
            return None  # replaced while we read: its journal was not this one
        return Agency(**{name: tuple(tables[cls].values()) for cls, name in TABLES.items()})
    except (OSError, EOFError, ValueError, TypeError, KeyError, DecodeError):
        return None
