"""Moving data in and out: export (JSON, CSV, ICS), import, shell completion."""

from __future__ import annotations

import argparse
import sys

from scopekeeper import output
from scopekeeper.commands.common import (
    not_onto_the_store,
    privacy_of,
    stdout_not_onto_the_store,
    workspace_of,
    write_out,
)
from scopekeeper.output import note, say
from scopekeeper.parser import UsageError, build_parser
from tracker.kinds import InteractionKind
from tracker.text import clean_line


def cmd_export(args: argparse.Namespace) -> int:
    from storage import exchange, json_export

    ws = workspace_of(args)
    agency = ws.store.load_agency()
    now = args.host.now()
    out = args.host.expand(args.output) if args.output else None
    if args.format == "json":
        data = json_export.export_json(agency, now.strftime("%Y-%m-%dT%H:%M:%SZ"))
    elif args.format == "ics":
        from tracker.calendar import upcoming
        from tracker.dates import LATEST

        today = ws.clock()  # the window ends at the last day of the range at the latest
        events = upcoming(agency, today, min(args.days, (LATEST - today).days), ws.thresholds)
        data = exchange.export_ics(events, now.strftime("%Y%m%dT%H%M%SZ"))
    else:
        files = exchange.export_csv(agency)
        if out is None:
            raise UsageError("csv needs -o: a directory for clients.csv and "
                             "interactions.csv, or a FILE.zip")
        if out.suffix.lower() != ".zip":
            import os

            from storage.outputs import OutputError, make_output_folder, replaces

            targets = [out / name for name in files]
            if os.path.lexists(out) and not os.path.isdir(out):
                raise UsageError(f"{out} is a file; give a directory or a FILE.zip")
            for target in targets:
                not_onto_the_store(args, target)  # before the directory is made
            clash = [t for t in targets if replaces(t)]
            if clash and not args.force:
                raise UsageError(f"{clash[0]} exists; use --force to replace it")
            try:
                make_output_folder(out, privacy_of(args))
            except OutputError as e:
                raise UsageError(str(e)) from None
            for target in targets:
                write_out(args, target, files[target.name], force=True)
            note(f"wrote {len(agency.clients)} clients and {len(agency.interactions)} "
                 f"interactions to {clean_line(str(out))}/")
            return 0
        data = exchange.zip_of(files)
    if out is None:
        stdout_not_onto_the_store(args)
        output.data(data)
        return 0
    write_out(args, out, data, args.force)
    note(f"wrote {clean_line(str(out))} ({len(data):,} bytes)")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    import stat

    from storage.access import os_problem
    from storage.importing import count_rows, import_file

    path = args.host.expand(args.file)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file or directory") from None
    except OSError as e:  # a folder on the way this person may not enter, a loop...
        raise UsageError(os_problem(e, path, "read")) from None
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        raise UsageError(f"{path}: not a regular file or a directory")
    ws = workspace_of(args)
    tick, done = None, None
    rows = count_rows(path) if sys.stderr.isatty() else 0
    if rows > 2000:
        from rich.progress import Progress

        bar = Progress(transient=True)
        task = bar.add_task("reading rows", total=rows)
        bar.start()
        tick, done = (lambda n: bar.advance(task, n)), bar.stop
    try:
        report = import_file(ws.act, path, duplicates=args.duplicates, dry_run=args.dry_run,
                             tick=tick)
    finally:
        if done is not None:
            done()
    for said in report.notes:
        note(f"note: {said}")
    if report.problems:
        for problem in report.problems[:200]:
            note(clean_line(problem))
        more = len(report.problems) - 200
        raise UsageError(f"{len(report.problems)} problem(s)" + (f" ({more} not shown)"
                         if more > 0 else "") + f" in {clean_line(str(path))}; nothing was "
                         "imported")
    verb = "would import" if args.dry_run else "imported"
    plan = report.plan
    if plan is None:  # a whole export into an empty file (an empty export too)
        say(f"{verb} {report.restored} records (the whole export, ids kept)")
        return 0
    counts = ", ".join(f"{n} {table.replace('_', ' ')}" for table, n in plan.counts.items())
    say(f"{verb} {counts or 'nothing'} from {report.rows} row(s)")
    if plan.left_out:
        # every row not imported, by FILE:LINE and why (a dry run says the same)
        say(f"{'would leave' if args.dry_run else 'left'} out {len(plan.left_out)} "
            "row(s):")
        for left in plan.left_out:
            say(clean_line(str(left)))
    return 0


def cmd_completion(args: argparse.Namespace) -> int:
    from scopekeeper.completion import bash_script, zsh_script
    from tracker.documents import DOCUMENTS

    make = bash_script if args.shell == "bash" else zsh_script
    say(make(build_parser(), [k.value for k in InteractionKind], list(DOCUMENTS)), end="")
    return 0
