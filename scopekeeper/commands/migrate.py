"""``scopekeeper migrate FROM TO``: every record from one data location into another (a data
file into a PostgreSQL database and back, or a file into another file), through the storage
contract: ``load_agency()`` from FROM, ``replace_all()`` into TO, then a check that TO, read
afresh, holds exactly FROM's records (what ``export --format json`` writes, table by table).

TO must be empty (nothing is written otherwise); FROM is only read. Progress goes to standard
error (a bar on a terminal); what was copied, per record type, to standard output.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from scopekeeper.commands.common import config_of
from scopekeeper.host import Host
from scopekeeper.output import Steps, say
from scopekeeper.parser import UsageError
from storage.errors import StorageError
from storage.locations import DatabaseUrl, Location
from tracker.labels import count

if TYPE_CHECKING:
    from storage.contract import Storage
    from tracker.models import Agency


def _open(args: argparse.Namespace, where: Location) -> Storage:
    from storage.backends import open_storage
    from storage.engine.settings import Settings

    cfg = config_of(args)
    host: Host = args.host
    location: str | Path = (DatabaseUrl(where.url, cfg.password_file).conninfo()
                            if isinstance(where, DatabaseUrl) else where)
    allow = host.env.get("SCOPEKEEPER_ALLOW_NETWORK_FS", "") == "1"
    return open_storage(location, author=host.login, clock=host.today,
                        thresholds=cfg.thresholds, lazy=True,
                        settings=Settings(allow_network_fs=allow, shared=cfg.shared_mode(),
                                          now=host.now))


def _tables(agency: Agency) -> dict[str, dict[str, bytes]]:
    """Each table's records as ``export --format json`` writes them, by id (the order in
    which a backend hands records back is not part of the data)."""
    import orjson

    from storage.codecs import encode
    from storage.tables import TABLES

    return {name: {r.id: orjson.dumps(encode(r), option=orjson.OPT_SORT_KEYS)
                   for r in getattr(agency, name)} for name in TABLES.values()}


def _location(args: argparse.Namespace, text: str, what: str) -> Location:
    from storage.paths import location

    host: Host = args.host
    return location(text, host.places, what)


def cmd_migrate(args: argparse.Namespace) -> int:
    source, target = _location(args, args.source, "FROM"), _location(args, args.target, "TO")
    if isinstance(source, Path) and isinstance(target, Path):
        if source.resolve() == target.resolve():
            raise UsageError(f"FROM and TO are the same data file ({source})")
    elif source == target:
        raise UsageError(f"FROM and TO are the same database ({source})")
    if isinstance(source, Path) and not source.is_file():
        raise UsageError(f"FROM: {source}: no such data file")
    into = _open(args, target)
    if not into.is_empty():  # asked first: nothing is read (FROM may be large) or written
        raise UsageError(f"TO: {target} already holds data; migrate copies into an empty "
                         "data file or database only (nothing was written)")
    steps = Steps(2 + len(_tables(_empty())))
    steps.step(1, f"reading {source}")
    agency = _open(args, source).load_agency()
    before = _tables(agency)
    total = sum(map(len, before.values()))
    if not total:
        steps.finish()
        raise UsageError(f"FROM: {source} holds no records; nothing to copy")
    steps.step(2, f"writing {count(total, 'record')} to {target}")
    into.replace_all(agency, source="migrate")
    after = _tables(_open(args, target).load_agency())  # read afresh, not from memory
    for n, (name, records) in enumerate(before.items(), start=3):
        steps.step(n, f"checking {name.replace('_', ' ')} ({len(records):,})")
        if after[name] != records:
            steps.finish()
            raise StorageError(_difference(name, records, after[name], target))
    steps.finish()
    say(f"copied {count(total, 'record')} from {source} to {target}:")
    for name, records in before.items():
        if records:
            say(f"  {name.replace('_', ' ')}: {len(records):,}")
    say("checked: every record in TO equals FROM's (export --format json of both)")
    return 0


def _empty() -> Agency:
    from tracker.models import Agency

    return Agency()


def _difference(name: str, mine: dict[str, bytes], theirs: dict[str, bytes],
                target: Location) -> str:
    """One line saying how TO's copy of a table differs (a bug: the copy must be exact)."""
    missing = mine.keys() - theirs.keys()
    extra = theirs.keys() - mine.keys()
    changed = [k for k in mine.keys() & theirs.keys() if mine[k] != theirs[k]]
    return (f"the copy in {target} differs from FROM in {name}: {len(missing)} missing, "
            f"{len(extra)} extra, {len(changed)} changed (e.g. {sorted(missing or extra or changed)[0]}); "
            "TO is not to be used: remove it and report this")
