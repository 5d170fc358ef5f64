"""Documents: rendering one from its template, listing the templates."""

from __future__ import annotations

import argparse

from scopekeeper.commands.common import (
    client_arg,
    config_of,
    may_replace,
    not_onto_the_store,
    stdout_not_onto_the_store,
    templates_dir_of,
    workspace_of,
    write_out,
)
from scopekeeper.output import document, say
from scopekeeper.parser import UsageError
from tracker.text import cell_width, clean_line, pad


def cmd_render(args: argparse.Namespace) -> int:
    from tracker.documents import DOCUMENTS, DocumentError, parse_month

    if args.template not in DOCUMENTS:
        raise UsageError(f"no template {args.template!r}; choose from {', '.join(DOCUMENTS)}")
    try:
        month = parse_month(args.month) if args.month else None
    except DocumentError as e:
        raise UsageError(str(e)) from None
    out = args.host.expand(args.output) if args.output else None
    if out is not None:
        not_onto_the_store(args, out)
    if out is not None:
        may_replace(out, args.force)  # before the work of rendering
    ws = workspace_of(args)
    client = client_arg(ws, args.client)
    sender = ws.sender(config_of(args).agency_name)
    from storage.templates import TemplateError

    try:
        doc = ws.document(args.template, client, sender,
                          templates=None if args.builtin else templates_dir_of(args),
                          builtin_only=args.builtin, request_id=args.change_request,
                          call_id=args.call, month=month)
    except DocumentError as e:
        raise UsageError(str(e)) from None
    except TemplateError as e:
        if args.builtin:
            raise
        raise TemplateError(f"{e} (--builtin uses the built-in template)") from None
    if out is None:
        stdout_not_onto_the_store(args)
        document(doc.text)
        return 0
    write_out(args, out, doc.text.encode("utf-8"), force=args.force)
    say(f"wrote {clean_line(str(out))} ({DOCUMENTS[args.template].title}, "
        f"{'built-in' if doc.template.builtin else clean_line(str(doc.template.path))})")
    return 0


def cmd_templates(args: argparse.Namespace) -> int:
    from storage.templates import available, builtin_dir
    from tracker.documents import DOCUMENTS

    mine = templates_dir_of(args)
    found = available(mine)  # a templates directory that cannot be read: one line, exit 1
    width = max(map(cell_width, DOCUMENTS))
    for name, doc in DOCUMENTS.items():
        t = found.get(name)
        where = "missing" if t is None else "built-in" if t.builtin else (
            f"refused: {t.path}: {t.problem}" if t.problem else f"overridden by {t.path}")
        say(f"{name:<{width}}  {doc.title:<34}  {clean_line(where)}")  # names: ASCII
    extra = sorted(set(found) - set(DOCUMENTS))
    for name in extra:
        t = found[name]
        say(f"{pad(clean_line(name), width)}  {'(not a known document; unused)':<34}  "
            f"{clean_line(str(t.path))}{clean_line(': ' + t.problem) if t.problem else ''}")
    where = clean_line(str(mine if mine is not None else config_of(args).templates))
    say(f"\nbuilt-in templates: {builtin_dir()}\nthe agency's templates "
        f"(same file names override them): {where}"
        f"{'' if mine is not None else ' (does not exist: none yet)'}")
    return 0
