"""The ``scopekeeper`` command: the composition root of the app.

Everything that touches the outside world is decided here, once: the data file, the
clock, the person's login, the environment (all read by :mod:`scopekeeper.host`).
``review``, ``log`` and ``demo`` never import Textual; the TUI is imported only when it is
opened.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import sys
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from scopekeeper import __version__, output
from scopekeeper.host import Host, HostError, read_host
from scopekeeper.output import document, note, say
from storage.config import Config, check_keymap, load
from storage.errors import StorageError
from storage.keymap import KeyCatalog
from tracker.errors import ValidationError
from tracker.kinds import InteractionKind
from tracker.review_items import ReviewItem
from tracker.text import cell_width, clean_line, pad

if TYPE_CHECKING:
    from storage.files import Privacy
    from storage.snapshot import Cover
    from storage.workspace import Workspace
    from tracker.models import Client

# The storage engine and the domain rules are imported by the commands that use them: the
# app shows the kept review before either is imported (see cmd_tui).

PROG = "scopekeeper"
#: How far ahead a calendar export may reach (two years of status calls is plenty).
MAX_DAYS_AHEAD = 730
#: The largest demo agency (the benchmarks use 5,000 clients and 1.1 million interactions).
MAX_DEMO_CLIENTS, MAX_DEMO_EVENTS = 10_000, 2_000_000


class UsageError(Exception):
    """Bad command-line input: one line on stderr, exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


def _positive(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if n < 0:
        raise argparse.ArgumentTypeError(f"must not be negative: {text}")
    return n


def _at_most(limit: int, what: str) -> Callable[[str], int]:
    """A whole number from 0 to ``limit`` (a demo of a billion clients would fill memory)."""
    def parse(text: str) -> int:
        n = _positive(text)
        if n > limit:
            raise argparse.ArgumentTypeError(f"at most {limit:,} {what} (got {n:,})")
        return n
    return parse


def _score(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 0 <= n <= 10:
        raise argparse.ArgumentTypeError(f"NPS is a score from 0 to 10 (got {n})")
    return n


def _path(text: str) -> str:
    """A file or folder named on the command line: an empty one is a mistake, never 'the
    default' (``--db ""`` once fell back to the configured data file, ``-o ""`` to stdout)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("must not be empty: give a file name")
    return text


def _days_ahead(text: str) -> int:
    n = _positive(text)
    if n > MAX_DAYS_AHEAD:
        raise argparse.ArgumentTypeError(f"at most {MAX_DAYS_AHEAD} days ahead (got {n})")
    return n


def _money(text: str, currency: str, what: str) -> int:
    """An amount in the client's currency (known only once the client is found)."""
    from tracker.money import MoneyError, parse_money

    try:
        return parse_money(text, currency)
    except MoneyError as e:
        raise UsageError(clean_line(f"{what}: {e}")) from None  # it quotes the input


def _kind(text: str) -> InteractionKind:
    key = text.strip().lower().replace("-", "_").replace(" ", "_")
    for k in InteractionKind:
        if key in (k.value, k.label.replace(" ", "_").replace("-", "_")):
            return k
    choices = ", ".join(k.value for k in InteractionKind)
    raise argparse.ArgumentTypeError(f"unknown kind {text!r}; choose from {choices}")


def build_parser() -> argparse.ArgumentParser:
    db_help = "data file (default: $SCOPEKEEPER_DB, else ~/.local/share/scopekeeper/scopekeeper.json)"
    cfg_help = ("one more configuration file, read after /etc/scopekeeper/config.toml and "
                "~/.config/scopekeeper/config.toml (default: $SCOPEKEEPER_CONFIG)")
    common = _Parser(add_help=False)
    common.add_argument("--db", metavar="PATH", type=_path, default=argparse.SUPPRESS,
                        help=db_help)
    common.add_argument("--config", metavar="FILE", type=_path, default=argparse.SUPPRESS,
                        help=cfg_help)

    p = _Parser(prog=PROG, description="Keep every client's scope tight and every client "
                "relationship alive. Without a command, opens the app.")
    p.add_argument("--db", metavar="PATH", type=_path, default=None, help=db_help)
    p.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    p.add_argument("--config", metavar="FILE", type=_path, default=None, help=cfg_help)
    p.add_argument("--no-mouse", action="store_true", help="do not capture the mouse")
    p.add_argument("--color", choices=("auto", "16", "256", "truecolor"), default=None,
                   help="colours to use (default: ui.color in the config, else auto: from "
                   "$TERM and $COLORTERM)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    demo = sub.add_parser("demo", parents=[common], help="fill the data file with a demo agency",
                          description="Write a realistic, deterministic demo agency.")
    demo.add_argument("--clients", type=_at_most(MAX_DEMO_CLIENTS, "clients"), default=25, metavar="N",
                      help="number of active clients (at least 16; default 25); a prospect "
                      "and a churned client come with them")
    demo.add_argument("--events", type=_at_most(MAX_DEMO_EVENTS, "interactions"), default=None, metavar="M",
                      help="about how many interactions in all (default 120 a client)")
    demo.add_argument("--seed", type=int, default=7, metavar="S", help="random seed (default 7)")
    demo.add_argument("--force", action="store_true", help="replace a data file that has data")

    review = sub.add_parser("review", parents=[common], help="print today's review queue",
                            description="Print the review queue, most urgent first.")
    review.add_argument("--format", choices=("text", "json"), default="text")
    review.add_argument("--on", metavar="DATE", default=None,
                        help="review as of DATE (default today)")
    review.add_argument("--for", dest="person", metavar="PERSON", default=None,
                        help="only the clients PERSON covers (a team member's name, part of "
                        "it, or login)")

    log = sub.add_parser("log", parents=[common], help="record an interaction with a client",
                         description="Record an interaction (call, email, visit...).")
    log.add_argument("client", metavar="CLIENT", help="client id or (unique part of) its name")
    log.add_argument("--kind", type=_kind, required=True, metavar="KIND",
                     help="one of: " + ", ".join(k.value for k in InteractionKind))
    log.add_argument("--on", metavar="DATE", default=None, help="when (default today)")
    log.add_argument("--note", default="", metavar="TEXT", help="what happened")
    log.add_argument("--ours", type=_names, default=(), metavar="NAMES",
                     help="calls and meetings: who attended from the agency (commas between)")
    log.add_argument("--theirs", type=_names, default=(), metavar="NAMES",
                     help="calls and meetings: who attended from the client (commas between)")

    nps = sub.add_parser("nps", parents=[common], help="record an NPS response (0-10)",
                         description="Record a net promoter score. A detractor (0-6 by "
                         "default: thresholds.nps_detractor_max) is a warning sign; a passive "
                         "(7-8: thresholds.nps_passive_max) or promoter score is not.")
    nps.add_argument("client", metavar="CLIENT", help="client id or (unique part of) its name")
    nps.add_argument("score", type=_score, metavar="SCORE", help="0 to 10")
    nps.add_argument("--comment", default="", metavar="TEXT", help="what they said")
    nps.add_argument("--on", metavar="DATE", default=None, help="when (default today)")

    budget = sub.add_parser("budget", parents=[common], help="record a change of ad budget",
                            description="Record the client's new budget; a cut is a warning "
                            "sign unless it is savings the agency created (--savings).")
    budget.add_argument("client", metavar="CLIENT", help="client id or (unique part of) its name")
    budget.add_argument("amount", metavar="AMOUNT",
                        help="the new budget in the client's currency, e.g. 7000, 7,000.00, "
                        "7k, $7,000 or USD 7000 for a client in dollars, THB 7,000 in baht")
    budget.add_argument("--from", dest="old", default=None, metavar="AMOUNT",
                        help="the budget before (default: the last one recorded)")
    budget.add_argument("--reason", default="", metavar="TEXT", help="why it changed")
    budget.add_argument("--savings", action="store_true",
                        help="a cut that comes from savings we created (not a warning sign)")
    budget.add_argument("--on", metavar="DATE", default=None, help="when (default today)")

    access = sub.add_parser("access", parents=[common],
                            help="record that the client gave someone access to an account",
                            description="Record new outside access to the client's accounts "
                            "(often an agency they are talking to): a warning sign.")
    access.add_argument("client", metavar="CLIENT", help="client id or (unique part of) its name")
    access.add_argument("who", metavar="WHO", help="who got access (person, email, agency)")
    access.add_argument("--account", default="", metavar="NAME", help="which account")
    access.add_argument("--on", metavar="DATE", default=None, help="when (default today)")

    contact = sub.add_parser("contact", parents=[common], help="record a new main contact",
                             description="The client's main contact changed: record it (a "
                             "warning sign) and make the successor the main contact.")
    contact.add_argument("client", metavar="CLIENT",
                         help="client id or (unique part of) its name")
    contact.add_argument("new_name", metavar="NEW_NAME", help="the new main contact")
    contact.add_argument("--title", default="", metavar="TITLE", help="their title")
    contact.add_argument("--on", metavar="DATE", default=None, help="when (default today)")

    export = sub.add_parser(
        "export", parents=[common], help="write the data as JSON, CSV or a calendar",
        description="json: everything (scopekeeper import brings it back); csv: "
        "clients.csv and interactions.csv, in a directory or a .zip (-o is needed); ics: "
        "an iCalendar file of the coming status calls, monthly reports and visit windows "
        "(importing it again updates the events instead of duplicating them).")
    export.add_argument("--format", choices=("json", "csv", "ics"), required=True)
    export.add_argument("-o", "--output", metavar="FILE", type=_path, default=None,
                        help="where to write (default: standard output; for csv a directory "
                        "or a FILE.zip)")
    export.add_argument("--days", type=_days_ahead, default=30, metavar="N",
                        help=f"ics: how many days ahead (default 30, at most {MAX_DAYS_AHEAD})")
    export.add_argument("--force", action="store_true", help="replace files that exist")

    imp = sub.add_parser(
        "import", parents=[common], help="bring in clients and interactions (CSV) or an export",
        description="Import a CSV of clients or of interactions, a zip or a directory of "
        "them (what 'export --format csv' writes), or a scopekeeper JSON export. A CSV is "
        "read as RFC 4180: cells separated by commas, or by semicolons when the header line "
        "has more semicolons than commas outside quotes; a cell in double quotes may hold "
        "separators, line breaks and quotes (doubled: \"\"). Headers are matched "
        "forgivingly ('Client name', 'client_name' and 'NAME' all work). An interaction's "
        "client is the one its 'client id' names, else the one its client name names. Every "
        "bad row is reported as FILE:LINE; if there is any, nothing is written. Every row "
        "not imported is listed as FILE:LINE with why: clients whose name is already taken "
        "are skipped with their records, or merged with --duplicates merge; interactions "
        "already there are not doubled.")
    imp.add_argument("file", metavar="FILE", type=_path,
                     help="a .csv, a .zip of CSVs, a directory of CSVs, or a .json export")
    imp.add_argument("--dry-run", action="store_true",
                     help="check the file and say what would be imported; write nothing")
    imp.add_argument("--duplicates", choices=("skip", "merge"), default="skip",
                     help="a client whose name is taken: leave it out (skip, the default) or "
                     "add its records to the existing client (merge)")

    comp = sub.add_parser("completion", help="print shell completion for bash or zsh",
                          description="Print a completion script. bash: add "
                          "'eval \"$(scopekeeper completion bash)\"' to ~/.bashrc; zsh: "
                          "'eval \"$(scopekeeper completion zsh)\"' to ~/.zshrc.")
    comp.add_argument("shell", choices=("bash", "zsh"))

    sub.add_parser("compact", parents=[common], help="fold the journal into the data file",
                   description="Fold every saved change into the data file (plain TinyDB "
                   "JSON) and keep a backup of the result.")
    sub.add_parser("doctor", parents=[common], help="check the data file; change nothing",
                   description="Check the data file, its journal and its backups, and print "
                   "the command that fixes each finding. Changes nothing. Exit status 1 if "
                   "anything is damaged.")
    restore = sub.add_parser("restore", parents=[common], help="bring back a backup",
                             description="Replace the data with a backup; the current data "
                             "is backed up first. Works from a damaged data file or journal "
                             "too: they are kept as they were, and the journal's saves newer "
                             "than the backup are replayed where they apply cleanly (the rest "
                             "are listed).")
    restore.add_argument("backup", metavar="BACKUP", type=_path,
                         help="a backup file, its name in backups/, or 'latest'")
    render = sub.add_parser(
        "render", parents=[common], help="write a document for a client from its template",
        description="Write a document (kickoff agreement, call summary, change order, "
        "stay-focused reply, monthly report, new-contact briefing, save-mode prep) from its "
        "template: the agency's own from the template directory, else the built-in one. "
        "See 'scopekeeper templates'.")
    render.add_argument("template", metavar="TEMPLATE", help="template name, e.g. change_order")
    render.add_argument("--client", required=True, metavar="CLIENT",
                        help="client id or (unique part of) its name")
    render.add_argument("--change-request", metavar="ID", default=None,
                        help="the change request: an id ('scopekeeper requests CLIENT' lists "
                        "them) or 'latest' (default: the client's latest pending one)")
    render.add_argument("--call", metavar="ID", default=None,
                        help="the call to summarise: an id ('scopekeeper calls CLIENT' lists "
                        "them) or 'latest' (the default)")
    render.add_argument("--month", metavar="YYYY-MM", default=None,
                        help="the month to report on (default: last month)")
    render.add_argument("-o", "--output", metavar="FILE", type=_path, default=None,
                        help="write to FILE instead of printing (never replaces a file "
                        "unless --force)")
    render.add_argument("--force", action="store_true", help="replace FILE if it exists")
    render.add_argument("--builtin", action="store_true",
                        help="use the built-in template even if the agency has its own")
    history = sub.add_parser("history", parents=[common], help="who changed what, and when",
                             description="The audit trail of one client: every change to "
                             "its records, with who made it, when, and the fields' old and new "
                             "values (newest last).")
    history.add_argument("client", metavar="CLIENT", help="client id or (unique part of) its name")
    history.add_argument("--last", type=_positive, default=None, metavar="N",
                         help="only the last N changes")
    for name, what in (("requests", "change requests"), ("calls", "calls and meetings")):
        listing = sub.add_parser(name, parents=[common], help=f"list a client's {what}",
                                 description=f"List a client's {what}, oldest first, with "
                                 "the ids that 'scopekeeper render' takes.")
        listing.add_argument("client", metavar="CLIENT",
                             help="client id or (unique part of) its name")
        listing.add_argument("--format", choices=("text", "json"), default="text")
    sub.add_parser("config", parents=[common], help="show the effective configuration",
                   description="Print every setting, its value and where it came from "
                   "(a file, the environment, a flag, or the default).")
    sub.add_parser("templates", parents=[common], help="list the document templates",
                   description="List the document templates, which of them the agency's "
                   "template directory overrides, and where that directory is.")
    return p


def _day(text: str | None, now: date, sense: str = "any") -> date:
    """``--on``: ``sense`` "past" for something that happened (not in the future; a day
    without a year is the last such day), "any" for a day to look from."""
    if text is None:
        return now
    from tracker.dates import DateParseError, Sense, parse_day

    try:
        return parse_day(text, now, Sense(sense))
    except DateParseError as e:
        raise UsageError(clean_line(f"--on: {e}")) from None  # it quotes the input


def _config(args: argparse.Namespace) -> Config:
    """The effective configuration (read once per run)."""
    cached: Config | None = getattr(args, "_cfg", None)
    if cached is None:
        host: Host = args.host
        cached = load(host.places, host.system_config, args.config, args.db,
                      getattr(args, "color", None), getattr(args, "no_mouse", False))
        args._cfg = cached
    return cached


def _workspace(args: argparse.Namespace, lazy: bool = False) -> Workspace:
    from storage.database import Settings
    from storage.workspace import Workspace

    cfg = _config(args)
    host: Host = args.host
    allow = host.env.get("SCOPEKEEPER_ALLOW_NETWORK_FS", "") == "1"
    return Workspace(cfg.data_path, user=host.login, clock=host.today,
                     thresholds=cfg.thresholds,
                     settings=Settings(allow_network_fs=allow, shared=cfg.shared_mode(),
                                       now=host.now),
                     lazy=lazy, cadence=cfg.cadence_settings())


def cmd_demo(args: argparse.Namespace) -> int:
    from storage.workspace import NotEmpty

    ws = _workspace(args)
    if args.clients < 16:
        raise UsageError("--clients must be at least 16 to show every situation")
    try:
        agency = ws.load_demo(clients=args.clients, events=args.events, seed=args.seed,
                              force=args.force)
    except NotEmpty as e:
        raise UsageError(str(e)) from None
    from tracker.labels import count

    say(f"wrote a demo agency to {ws.path}: {count(len(agency.clients), 'client')}, "
        f"{count(len(agency.members), 'person', 'people')}, "
        f"{count(len(agency.interactions), 'interaction')}")
    return 0


def review_json(day: date, items: Sequence[ReviewItem], person: str = "") -> str:
    import json

    return json.dumps({
        "date": day.isoformat(),
        "for": person or None,
        "items": [{
            "client_id": i.client_id, "client": i.client, "kind": i.kind,
            "urgency": i.urgency, "why": i.why,
            "due": i.due.isoformat() if i.due else None,
        } for i in items],
    }, indent=2)  # ASCII escapes: no control byte can reach a terminal


def _covering(team: Sequence[Cover], text: str) -> Cover:
    needle = text.strip().casefold()
    exact = [t for t in team if needle in (t.login.casefold(), t.name.casefold())]
    found = exact or [t for t in team if needle and needle in t.name.casefold()]
    if len(found) == 1:
        return found[0]
    if not found:
        names = ", ".join(t.name for t in team) or "nobody yet"
        raise UsageError(f"no team member {text!r} (the team: {names})")
    raise UsageError(f"{text!r} matches {len(found)} people: "
                     f"{', '.join(t.name for t in found)}; use more of the name or the login")


def cmd_review(args: argparse.Namespace) -> int:
    from scopekeeper.digest import review_text

    ws = _workspace(args, lazy=True)
    day = _day(args.on, ws.clock())
    snap = ws.review_snapshot(day)
    items, person = snap.review, ""
    if args.person is not None:
        who = _covering(snap.team, args.person)
        mine = set(who.clients)
        items, person = tuple(i for i in items if i.client_id in mine), who.name
    if args.format == "json":
        say(review_json(snap.today, items, person))
    else:
        say(review_text(snap.today, items, person))
    return 0


def _names(text: str) -> tuple[str, ...]:
    from tracker.attendance import NamesError, parse_names

    try:
        return parse_names(text)
    except NamesError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def cmd_log(args: argparse.Namespace) -> int:
    from tracker.kinds import CALL_KINDS

    ws = _workspace(args)
    on = _day(args.on, ws.clock(), "past")
    client = _client(ws, args.client)
    if (args.ours or args.theirs) and args.kind not in CALL_KINDS:
        raise UsageError(f"--ours and --theirs are for calls and meetings, not {args.kind.label}")
    ws.log(client, args.kind, on, args.note, args.ours, args.theirs)
    say(f"logged {args.kind.label} with {clean_line(client.name)} on {on:%Y-%m-%d}")
    return 0


def _templates_dir(args: argparse.Namespace) -> Path | None:
    """The agency's templates directory: one set in a configuration file must be readable
    (else a clear error, not a silent fall-back); the default place need not exist."""
    cfg = _config(args)
    if cfg.templates is None or "templates.dir" in cfg.sources:
        return cfg.templates
    try:
        cfg.templates.lstat()
    except FileNotFoundError:
        return None  # no templates of the agency's own (an unreadable one is said so)
    except OSError:
        pass
    return cfg.templates


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
        _not_onto_the_store(args, out)
    if out is not None:
        _may_replace(out, args.force)  # before the work of rendering
    ws = _workspace(args)
    client = _client(ws, args.client)
    sender = ws.sender(_config(args).agency_name)
    from storage.templates import TemplateError

    try:
        doc = ws.document(args.template, client, sender,
                          templates=None if args.builtin else _templates_dir(args),
                          builtin_only=args.builtin, request_id=args.change_request,
                          call_id=args.call, month=month)
    except DocumentError as e:
        raise UsageError(str(e)) from None
    except TemplateError as e:
        if args.builtin:
            raise
        raise TemplateError(f"{e} (--builtin uses the built-in template)") from None
    if out is None:
        _stdout_not_onto_the_store(args)
        document(doc.text)
        return 0
    _write_out(args, out, doc.text.encode("utf-8"), force=args.force)
    say(f"wrote {clean_line(str(out))} ({DOCUMENTS[args.template].title}, "
        f"{'built-in' if doc.template.builtin else clean_line(str(doc.template.path))})")
    return 0


def cmd_templates(args: argparse.Namespace) -> int:
    from storage.templates import available, builtin_dir
    from tracker.documents import DOCUMENTS

    mine = _templates_dir(args)
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
    where = clean_line(str(mine if mine is not None else _config(args).templates))
    say(f"\nbuilt-in templates: {builtin_dir()}\nthe agency's templates "
        f"(same file names override them): {where}"
        f"{'' if mine is not None else ' (does not exist: none yet)'}")
    return 0


def _client(ws: Workspace, text: str) -> Client:
    from tracker.lookup import ClientNotFound

    try:
        return ws.find_client(text)
    except ClientNotFound as e:
        raise UsageError(str(e)) from None


def cmd_nps(args: argparse.Namespace) -> int:
    ws = _workspace(args)
    on = _day(args.on, ws.clock(), "past")
    client = _client(ws, args.client)
    ws.act.nps(client, args.score, args.comment, on)
    band = ws.thresholds.nps_band(args.score)  # the one band definition, as configured
    say(f"recorded NPS {args.score}/10 ({band}) for {clean_line(client.name)} on "
        f"{on:%Y-%m-%d}")
    return 0


def cmd_budget(args: argparse.Namespace) -> int:
    from tracker.money import format_money

    ws = _workspace(args)
    on = _day(args.on, ws.clock(), "past")
    client = _client(ws, args.client)
    amount = _money(args.amount, client.currency, "AMOUNT")
    old = None if args.old is None else _money(args.old, client.currency, "--from")
    if old is None:
        known = [b for b in ws.store.budget_changes.all() if b.client_id == client.id]
        if not known:
            raise UsageError(f"no budget recorded yet for {client.name}: give the one before "
                             "with --from AMOUNT")
        old = max(known, key=lambda b: (b.on, b.id)).new_cents
    ws.act.budget(client, old, amount, args.reason, args.savings, on)
    change = "no change" if old == amount else (
        f"{(amount - old) / old:+.0%}" if old else "new")
    say(f"recorded budget {format_money(old, client.currency)} -> "
        f"{format_money(amount, client.currency)} ({change}) for "
        f"{clean_line(client.name)} on {on:%Y-%m-%d}")
    return 0


def cmd_access(args: argparse.Namespace) -> int:
    ws = _workspace(args)
    on = _day(args.on, ws.clock(), "past")
    client = _client(ws, args.client)
    ws.act.access(client, args.who, args.account, on)
    where = f" to {clean_line(args.account)}" if args.account else ""
    say(f"recorded access{where} for {clean_line(args.who)} at {clean_line(client.name)} "
        f"on {on:%Y-%m-%d}")
    return 0


def cmd_contact(args: argparse.Namespace) -> int:
    ws = _workspace(args)
    on = _day(args.on, ws.clock(), "past")
    client = _client(ws, args.client)
    ws.act.contact_change(client, args.new_name, args.title, on)
    if client.primary_contact is None:
        say(f"set the first main contact of {clean_line(client.name)}: "
            f"{clean_line(args.new_name)} (nobody left: not a warning sign)")
    else:
        say(f"recorded main contact {clean_line(client.primary_contact.name)} -> "
            f"{clean_line(args.new_name)} for {clean_line(client.name)} on {on:%Y-%m-%d}")
    return 0


def _not_onto_the_store(args: argparse.Namespace, path: Path) -> None:
    """An export or a document is never written onto one of the store's own files."""
    from storage.store_files import StoreFile, refuse_store_file

    try:
        refuse_store_file(path, _config(args).data_path)
    except StoreFile as e:
        raise UsageError(clean_line(str(e))) from None


def _stdout_not_onto_the_store(args: argparse.Namespace) -> None:
    """``scopekeeper export > agency.json.journal``: the shell opened the store's file as
    standard output; writing there would replace what the store keeps in it."""
    import os
    import stat

    from storage.store_files import store_file_at

    try:
        fd = sys.stdout.fileno()
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return  # a terminal or a pipe
    except (OSError, ValueError, AttributeError):
        return
    data_file = _config(args).data_path
    what = store_file_at(Path(f"/proc/self/fd/{fd}"), data_file)
    if what is not None:
        raise UsageError(clean_line(f"standard output is {what} ({data_file}): refusing to "
                                    "write there; choose another file name"))


def _may_replace(path: Path, force: bool) -> None:
    from storage.outputs import output_problem, replaces

    problem = output_problem(path)  # a folder, no such folder, one closed to this person...
    if problem:
        raise UsageError(problem)
    if replaces(path) and not force:
        raise UsageError(f"{path} exists; use --force to replace it")


def _privacy(args: argparse.Namespace) -> Privacy:
    """The data's privacy, which every document and export follows (storage.outputs)."""
    from storage.files import privacy_of

    cfg = _config(args)
    return privacy_of(cfg.data_path.parent, cfg.shared_mode())


def _write_out(args: argparse.Namespace, path: Path, data: bytes, force: bool) -> None:
    """An export or a document, where the person said: see storage.outputs."""
    from storage.outputs import OutputError, write_output

    _not_onto_the_store(args, path)
    _may_replace(path, force)
    try:
        write_output(path, data, _privacy(args))
    except OutputError as e:
        raise UsageError(str(e)) from None


def cmd_completion(args: argparse.Namespace) -> int:
    from scopekeeper.completion import bash_script, zsh_script
    from tracker.documents import DOCUMENTS

    make = bash_script if args.shell == "bash" else zsh_script
    say(make(build_parser(), [k.value for k in InteractionKind], list(DOCUMENTS)), end="")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from storage import exchange, json_export

    ws = _workspace(args)
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
                _not_onto_the_store(args, target)  # before the directory is made
            clash = [t for t in targets if replaces(t)]
            if clash and not args.force:
                raise UsageError(f"{clash[0]} exists; use --force to replace it")
            try:
                make_output_folder(out, _privacy(args))
            except OutputError as e:
                raise UsageError(str(e)) from None
            for target in targets:
                _write_out(args, target, files[target.name], force=True)
            note(f"wrote {len(agency.clients)} clients and {len(agency.interactions)} "
                 f"interactions to {clean_line(str(out))}/")
            return 0
        data = exchange.zip_of(files)
    if out is None:
        _stdout_not_onto_the_store(args)
        output.data(data)
        return 0
    _write_out(args, out, data, args.force)
    note(f"wrote {clean_line(str(out))} ({len(data):,} bytes)")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    import stat

    from storage.files import os_problem
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
    ws = _workspace(args)
    tick, done = None, None
    rows = count_rows(path) if sys.stderr.isatty() else 0
    if rows > 2000:
        from rich.progress import Progress

        bar = Progress(transient=True)
        task = bar.add_task("reading rows", total=rows)
        bar.start()
        tick, done = (lambda n: bar.advance(task, n)), bar.stop
    try:
        report = import_file(ws, path, duplicates=args.duplicates, dry_run=args.dry_run,
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


def _key_catalog() -> KeyCatalog:
    """Every binding and where it is pressed: the keymap may not give a key two meanings."""
    from screens.keys import key_catalog

    return key_catalog()


def cmd_compact(args: argparse.Namespace) -> int:
    ws = _workspace(args)
    ws.store.compact()
    ws.renew_digest()
    size = ws.path.stat().st_size
    say(f"compacted {ws.path} ({size / 1e6:.1f} MB); backup kept in {ws.path.parent / 'backups'}")
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    import os

    from storage.doctor import diagnose

    path = _config(args).data_path
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
    ws = _workspace(args, lazy=True)
    from storage.backups import NoSuchBackup

    backup = args.backup if args.backup == "latest" else str(args.host.expand(args.backup))
    try:
        done = ws.store.restore(backup)
    except NoSuchBackup as e:  # a name that is not there: bad input, nothing was touched
        raise UsageError(str(e)) from None
    ws.renew_digest()
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


#: Terminals that cannot show the app (no cursor addressing): refused with a plain message.
DUMB_TERMS = frozenset({"", "dumb", "unknown", "vt52", "vt100", "vt220"})
COLOR_SYSTEMS = {"16": "standard", "256": "256", "truecolor": "truecolor"}


def terminal_problem(term: str, is_tty: bool) -> str | None:
    if not is_tty:
        return ("the app needs a terminal; use the commands (e.g. 'scopekeeper review') in "
                "scripts and pipes")
    if term.strip().lower() in DUMB_TERMS:
        return (f"this terminal (TERM={term or 'unset'}) cannot show the app; set TERM to "
                "your terminal's type (e.g. xterm-256color, screen-256color, linux), or use "
                "the commands (e.g. 'scopekeeper review')")
    return None


def prepare_terminal(cfg: Config, env: MutableMapping[str, str]) -> None:
    """What the app needs from the environment before Textual is imported."""
    env.setdefault("ESCDELAY", str(cfg.escdelay))  # a slow link splits escape sequences
    env.pop("TEXTUAL", None)  # never the devtools console: its port is shared by every user
    if cfg.color != "auto":
        env["TEXTUAL_COLOR_SYSTEM"] = COLOR_SYSTEMS[cfg.color]


def cmd_tui(args: argparse.Namespace) -> int:
    from storage.files import check_reachable
    from storage.review_cache import peek

    cfg = _config(args)
    check_reachable(cfg.data_path)  # a folder closed to this person: say so before all else
    check_keymap(cfg, _key_catalog)
    host: Host = args.host
    problem = terminal_problem(host.env.get("TERM", ""), sys.stdout.isatty())
    if problem:
        raise UsageError(problem)
    # Today's queue as last computed (marked as updating if anyone saved since) is shown at
    # once; the storage engine is imported and the records read after the first frame.
    # Without one, it is computed now (so that a bad file is reported here).
    snap = peek(cfg.data_path, host.today(), cfg.thresholds, stale_ok=True)
    workspace: Workspace | Callable[[], Workspace]
    if snap is None:  # the review from the digest (the rest loads after the first frame),
        workspace = _workspace(args, lazy=True)  # else from every record
        snap = workspace.review_snapshot()
    else:
        workspace = lambda: _workspace(args, lazy=True)  # noqa: E731 - opened by the app
    import os  # Textual reads its settings from the process environment

    prepare_terminal(cfg, os.environ)
    from screens.app import run  # Textual is imported only for the TUI
    from storage.paths import drafts_dir, scratch_dir, state_dir

    return run(workspace, cfg.keymap, mouse=cfg.mouse, snapshot=snap,
               templates=_templates_dir(args), agency_name=cfg.agency_name,
               drafts=drafts_dir(host.places), data_file=str(cfg.data_path),
               editor=host.editor, home=host.home, now=host.now,
               crashes=state_dir(host.places), scratch=scratch_dir(host.places))


def cmd_history(args: argparse.Namespace) -> int:
    from datetime import datetime

    from storage.audit import describe

    ws = _workspace(args)
    client = _client(ws, args.client)
    trail = ws.store.db.history(client.id)
    shown = trail[-args.last:] if args.last else trail
    say(f"{clean_line(client.name)} ({client.id}): {len(trail)} change"
        f"{'s' if len(trail) != 1 else ''}" + (f", the last {len(shown)} shown"
                                               if len(shown) < len(trail) else ""))
    for entry in shown:
        try:
            when = datetime.fromisoformat(entry.at.replace("Z", "+00:00")).astimezone()
            stamp = f"{when:%Y-%m-%d %H:%M}"
        except ValueError:
            stamp = entry.at
        what, details = describe(entry)
        say(clean_line(f"{stamp}  {pad(clean_line(entry.by), 10)}  {what}  {details}"))
    return 0


def cmd_config(args: argparse.Namespace) -> int:
    import json

    cfg = _config(args)
    check_keymap(cfg, _key_catalog)
    say("files read: " + (", ".join(clean_line(str(f)) for f in cfg.files) or "none"))
    values = cfg.values()
    width = max(map(len, values))
    for key, value in values.items():
        shown = "(none)" if value is None else json.dumps(value) if isinstance(
            value, str | bool) else str(value)
        say(f"{key:<{width}}  {clean_line(shown)}  ({clean_line(cfg.sources.get(key, 'default'))})")
    return 0


def cmd_listing(args: argparse.Namespace) -> int:
    """``requests`` and ``calls``: a client's records with the ids that render takes."""
    from scopekeeper.listing import listing

    ws = _workspace(args)
    client = _client(ws, args.client)
    say(listing(args.command, ws.store.load_agency(), client, args.format))
    return 0


COMMANDS = {"demo": cmd_demo, "review": cmd_review, "log": cmd_log, "compact": cmd_compact,
            "doctor": cmd_doctor, "restore": cmd_restore, "render": cmd_render,
            "templates": cmd_templates, "config": cmd_config, "history": cmd_history,
            "nps": cmd_nps, "budget": cmd_budget, "access": cmd_access, "contact": cmd_contact,
            "export": cmd_export, "import": cmd_import, "completion": cmd_completion,
            "requests": cmd_listing, "calls": cmd_listing,
            None: cmd_tui}


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Run one command; ``environ`` replaces the process environment (for tests). A bug
    (an exception nobody expected) is one line and a private report, never a traceback."""
    try:
        return _command(argv, environ)
    except Exception as e:
        return _crashed(e, environ)


def _crashed(error: Exception, environ: Mapping[str, str] | None) -> int:
    from storage.crash_log import report
    from storage.paths import state_dir

    try:
        host = read_host(environ)
        line = report(error, state_dir(host.places), host.now().astimezone(), "a command")
    except Exception:  # the environment itself is what failed: nowhere to write
        line = report(error, None, None, "a command")
    with contextlib.suppress(OSError, ValueError):
        note(line)
    return 1


def _command(argv: Sequence[str] | None, environ: Mapping[str, str] | None) -> int:
    try:
        args = build_parser().parse_args(argv)
        args.host = read_host(environ)
        code = COMMANDS[args.command](args)
        sys.stdout.flush()  # a full disk behind '>' is said here, not at exit
        return code
    except (UsageError, HostError, ValidationError) as e:  # bad input: nothing was written
        note(f"{PROG}: error: {clean_line(str(e))}")
        return 2
    except StorageError as e:
        note(f"{PROG}: error: {clean_line(str(e))}")
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        sys.stderr.close()
        return 1
    except OSError as e:
        if e.filename is not None or e.errno not in _OUTPUT_ERRORS:
            raise
        _drop_stdout()
        note(f"{PROG}: error: standard output: cannot write: {e.strerror}")
        return 1


#: Why writing standard output fails when it is a file (``> /dev/full``, a quota).
_OUTPUT_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO})


def _drop_stdout() -> None:
    """What is left in standard output's buffer can never be written: let it go to
    /dev/null, or the interpreter says so again at exit, with a traceback."""
    import os

    with contextlib.suppress(OSError, ValueError):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
