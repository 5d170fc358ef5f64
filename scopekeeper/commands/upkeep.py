"""Looking after the data: the demo agency, compaction, doctor, restore, the effective
configuration. Compaction, doctor and restore work on a data file's own files; a PostgreSQL
database is looked after with the database's tools, which they name."""

from __future__ import annotations

import argparse

from scopekeeper.commands.common import catalog_of_keys, config_of, data_file_of, workspace_of
from scopekeeper.output import say
from scopekeeper.parser import UsageError
from storage.config import check_keymap
from storage.errors import StorageError
from tracker.text import clean_line


def cmd_demo(args: argparse.Namespace) -> int:
    from storage.workspace import NotEmpty

    ws = workspace_of(args)
    if args.clients < 16:
        raise UsageError("--clients must be at least 16 to show every situation")
    try:
        agency = ws.load_demo(clients=args.clients, events=args.events, seed=args.seed,
                              force=args.force)
    except NotEmpty as e:
        raise UsageError(str(e)) from None
    from tracker.labels import count

    say(f"wrote a demo agency to {config_of(args).location}: {count(len(agency.clients), 'client')}, "
        f"{count(len(agency.members), 'person', 'people')}, "
        f"{count(len(agency.interactions), 'interaction')}")
    return 0


#: What a database has instead of the commands that work on a data file's files.
PG_BACKUPS = "back it up with pg_dump and bring a dump back with pg_restore (docs/postgresql.md)"


def cmd_compact(args: argparse.Namespace) -> int:
    data_file_of(args, "compact", "PostgreSQL keeps its own tables tidy (autovacuum; "
                 "VACUUM FULL by its administrator); nothing to do here")
    ws = workspace_of(args)
    ws.store.compact()
    size = ws.path.stat().st_size
    say(f"compacted {ws.path} ({size / 1e6:.1f} MB); backup kept in {ws.path.parent / 'backups'}")
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    import os

    from storage.doctor import diagnose

    path = data_file_of(args, "doctor", "check the database with its server's tools "
                        "(pg_amcheck), and " + PG_BACKUPS)
    if os.path.isdir(path):  # not a damaged data file: not one at all (False if unreadable)
        raise StorageError(f"{path}: is a directory, not a data file")
    findings = diagnose(path)
    for f in findings:
        say(clean_line(str(f)))
        if f.fix:
            say(clean_line(f"  fix: {f.fix}"))
    errors = sum(f.level == "error" for f in findings)
    warnings = sum(f.level == "warning" for f in findings)
    say(f"{path}: {errors} error(s), {warnings} warning(s)")
    return 1 if errors else 0


def cmd_restore(args: argparse.Namespace) -> int:
    # lazy: the data file and journal are not read first (restore exists for when they
    # cannot be); the restore reads them under the lock and keeps them if damaged
    data_file_of(args, "restore", PG_BACKUPS)
    ws = workspace_of(args, lazy=True)
    from storage.backups import NoSuchBackup

    backup = args.backup if args.backup == "latest" else str(args.host.expand(args.backup))
    try:
        done = ws.store.restore(backup)
    except NoSuchBackup as e:  # a name that is not there: bad input, nothing was touched
        raise UsageError(str(e)) from None
    agency = ws.store.load_agency()
    for skipped in done.passed_over:
        say(clean_line(f"passed over an unreadable backup: {skipped}"))
    say(clean_line(f"restored {done.source.name}: {len(agency.clients)} clients, "
                   f"{len(agency.interactions)} interactions ({done.records} records)"))
    kept = ", ".join(str(p) for p in done.kept)
    if done.damage:
        say(clean_line(f"the data was damaged ({done.damage})"))
        say(clean_line(f"kept as it was: {kept or 'nothing (no data file or journal)'}"))
        say(f"replayed {done.replayed} saved change(s) from the journal that were newer "
            "than the backup")
        for line in done.not_replayed:
            say(clean_line(f"not brought back: {line}"))
    elif kept:
        say(clean_line(f"the data as it was is kept as a backup: {kept}"))
    return 0


def cmd_config(args: argparse.Namespace) -> int:
    import json

    cfg = config_of(args)
    check_keymap(cfg, catalog_of_keys)
    say("files read: " + (", ".join(clean_line(str(f)) for f in cfg.files) or "none"))
    values = cfg.values()
    width = max(map(len, values))
    for key, value in values.items():
        shown = "(none)" if value is None else json.dumps(value) if isinstance(
            value, str | bool) else str(value)
        say(f"{key:<{width}}  {clean_line(shown)}  ({clean_line(cfg.sources.get(key, 'default'))})")
    return 0
