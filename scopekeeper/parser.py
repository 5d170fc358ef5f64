"""The command line: every subcommand, its options and how each value is read."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import NoReturn

from scopekeeper import __version__
from tracker.kinds import InteractionKind

PROG = "scopekeeper"
#: How far ahead a calendar export may reach (two years of status calls is plenty).
MAX_DAYS_AHEAD = 730
#: The largest demo agency (the benchmarks use 5,000 clients and 1.1 million interactions).
MAX_DEMO_CLIENTS, MAX_DEMO_EVENTS = 10_000, 2_000_000


class UsageError(Exception):
    """Bad command-line input: one line on stderr, exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        from storage.locations import scrub  # a stray argument may be a URL with a password

        raise UsageError(f"{scrub(message)} (see '{self.prog} --help')")


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


def _location(what: str) -> Callable[[str], str]:
    """A data file or a PostgreSQL URL: a URL with a password is refused here, before
    anything else reads it, in a message that never repeats it."""
    def parse(text: str) -> str:
        from storage.locations import database_url, is_database_url
        from tracker.errors import ValidationError

        if is_database_url(text):
            try:
                database_url(text, what)
            except ValidationError as e:
                raise argparse.ArgumentTypeError(e.message) from None
        return _path(text)
    return parse


def _days_ahead(text: str) -> int:
    n = _positive(text)
    if n > MAX_DAYS_AHEAD:
        raise argparse.ArgumentTypeError(f"at most {MAX_DAYS_AHEAD} days ahead (got {n})")
    return n


def _kind(text: str) -> InteractionKind:
    key = text.strip().lower().replace("-", "_").replace(" ", "_")
    for k in InteractionKind:
        if key in (k.value, k.label.replace(" ", "_").replace("-", "_")):
            return k
    choices = ", ".join(k.value for k in InteractionKind)
    raise argparse.ArgumentTypeError(f"unknown kind {text!r}; choose from {choices}")


def names_arg(text: str) -> tuple[str, ...]:
    from tracker.attendance import NamesError, parse_names

    try:
        return parse_names(text)
    except NamesError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def build_parser() -> argparse.ArgumentParser:
    db_help = ("data file, or PostgreSQL database as postgresql:///NAME?host=/var/run/postgresql "
               "(default: $SCOPEKEEPER_DB, else ~/.local/share/scopekeeper/scopekeeper.json)")
    cfg_help = ("one more configuration file, read after /etc/scopekeeper/config.toml and "
                "~/.config/scopekeeper/config.toml (default: $SCOPEKEEPER_CONFIG)")
    common = _Parser(add_help=False)
    common.add_argument("--db", metavar="PATH|URL", type=_location("--db"), default=argparse.SUPPRESS,
                        help=db_help)
    common.add_argument("--config", metavar="FILE", type=_path, default=argparse.SUPPRESS,
                        help=cfg_help)

    p = _Parser(prog=PROG, description="Keep every client's scope tight and every client "
                "relationship alive. Without a command, opens the app.")
    p.add_argument("--db", metavar="PATH|URL", type=_location("--db"), default=None, help=db_help)
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
    log.add_argument("--ours", type=names_arg, default=(), metavar="NAMES",
                     help="calls and meetings: who attended from the agency (commas between)")
    log.add_argument("--theirs", type=names_arg, default=(), metavar="NAMES",
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
    migrate = sub.add_parser(
        "migrate", parents=[common], help="copy every record into an empty data file or database",
        description="Copy every record from FROM into TO, each a data file or a PostgreSQL "
        "database (postgresql:///NAME?host=/var/run/postgresql), then check that TO holds "
        "exactly FROM's records. TO must be empty; FROM is only read. See docs/postgresql.md.")
    migrate.add_argument("source", metavar="FROM", type=_location("FROM"),
                         help="the data file or database to copy from")
    migrate.add_argument("target", metavar="TO", type=_location("TO"),
                         help="the empty data file or database to copy into")
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
