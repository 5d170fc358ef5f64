"""What the commands share: where the data is and the config a command uses, the client it
names, the day and amount it was given, and writing its output beside (never onto) the
data."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from scopekeeper.host import Host
from scopekeeper.parser import UsageError
from storage.config import Config, load
from storage.keymap import KeyCatalog
from tracker.text import clean_line

if TYPE_CHECKING:
    from storage.files import Privacy
    from storage.workspace import Workspace
    from tracker.models import Client


def day_arg(text: str | None, now: date, sense: str = "any") -> date:
    """``--on``: ``sense`` "past" for something that happened (not in the future; a day
    without a year is the last such day), "any" for a day to look from."""
    if text is None:
        return now
    from tracker.dates import DateParseError, Sense, parse_day

    try:
        return parse_day(text, now, Sense(sense))
    except DateParseError as e:
        raise UsageError(clean_line(f"--on: {e}")) from None  # it quotes the input


def config_of(args: argparse.Namespace) -> Config:
    """The effective configuration (read once per run)."""
    cached: Config | None = getattr(args, "_cfg", None)
    if cached is None:
        host: Host = args.host
        cached = load(host.places, host.system_config, args.config, args.db,
                      getattr(args, "color", None), getattr(args, "no_mouse", False))
        args._cfg = cached
    return cached


def workspace_of(args: argparse.Namespace, lazy: bool = False) -> Workspace:
    from storage.engine.settings import Settings
    from storage.paths import review_copy
    from storage.workspace import Workspace

    cfg = config_of(args)
    host: Host = args.host
    allow = host.env.get("SCOPEKEEPER_ALLOW_NETWORK_FS", "") == "1"
    where = cfg.storage_location()
    return Workspace(where, user=host.login, clock=host.today, thresholds=cfg.thresholds,
                     settings=Settings(allow_network_fs=allow, shared=cfg.shared_mode(),
                                       now=host.now),
                     lazy=lazy, cadence=cfg.cadence_settings(),
                     review_copy=None if isinstance(cfg.location, Path) else
                     review_copy(host.places, str(cfg.location)))


def data_file_of(args: argparse.Namespace, what: str, instead: str) -> Path:
    """The data file, for a command that works on its files (``what``); a PostgreSQL
    database is refused in one line naming what to use ``instead`` (exit 2)."""
    from storage.locations import NotAFile, data_file

    try:
        return data_file(config_of(args).location, what, instead)
    except NotAFile as e:
        raise UsageError(clean_line(str(e))) from None


def data_file_or_none(args: argparse.Namespace) -> Path | None:
    """The data file, or None when the data is in a database (which has no files here)."""
    location = config_of(args).location
    return location if isinstance(location, Path) else None


def client_arg(ws: Workspace, text: str) -> Client:
    from tracker.lookup import ClientNotFound

    try:
        return ws.find_client(text)
    except ClientNotFound as e:
        raise UsageError(str(e)) from None


def money_arg(text: str, currency: str, what: str) -> int:
    """An amount in the client's currency (known only once the client is found)."""
    from tracker.money import MoneyError, parse_money

    try:
        return parse_money(text, currency)
    except MoneyError as e:
        raise UsageError(clean_line(f"{what}: {e}")) from None  # it quotes the input


def templates_dir_of(args: argparse.Namespace) -> Path | None:
    """The agency's templates directory: one set in a configuration file must be readable
    (else a clear error, not a silent fall-back); the default place need not exist."""
    cfg = config_of(args)
    if cfg.templates is None or "templates.dir" in cfg.sources:
        return cfg.templates
    try:
        cfg.templates.lstat()
    except FileNotFoundError:
        return None  # no templates of the agency's own (an unreadable one is said so)
    except OSError:
        pass
    return cfg.templates


def not_onto_the_store(args: argparse.Namespace, path: Path) -> None:
    """An export or a document is never written onto one of the store's own files."""
    from storage.store_files import StoreFile, refuse_store_file

    data_file = data_file_or_none(args)
    if data_file is None:
        return  # a database keeps nothing in files here: any file name will do
    try:
        refuse_store_file(path, data_file)
    except StoreFile as e:
        raise UsageError(clean_line(str(e))) from None


def stdout_not_onto_the_store(args: argparse.Namespace) -> None:
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
    data_file = data_file_or_none(args)
    if data_file is None:
        return
    what = store_file_at(Path(f"/proc/self/fd/{fd}"), data_file)
    if what is not None:
        raise UsageError(clean_line(f"standard output is {what} ({data_file}): refusing to "
                                    "write there; choose another file name"))


def may_replace(path: Path, force: bool) -> None:
    from storage.outputs import output_problem, replaces

    problem = output_problem(path)  # a folder, no such folder, one closed to this person...
    if problem:
        raise UsageError(problem)
    if replaces(path) and not force:
        raise UsageError(f"{path} exists; use --force to replace it")


def privacy_of(args: argparse.Namespace) -> Privacy:
    """The data's privacy, which every document and export follows (storage.outputs)."""
    from storage.files import Privacy, privacy_of

    cfg = config_of(args)
    data_file = data_file_or_none(args)
    if data_file is None:  # a database: private unless the config says it is shared
        return Privacy(shared=cfg.shared_mode() is True)
    return privacy_of(data_file.parent, cfg.shared_mode())


def write_out(args: argparse.Namespace, path: Path, data: bytes, force: bool) -> None:
    """An export or a document, where the person said: see storage.outputs."""
    from storage.outputs import OutputError, write_output

    not_onto_the_store(args, path)
    may_replace(path, force)
    try:
        write_output(path, data, privacy_of(args))
    except OutputError as e:
        raise UsageError(str(e)) from None


def catalog_of_keys() -> KeyCatalog:
    """Every binding and where it is pressed: the keymap may not give a key two meanings."""
    from screens.app import ScopekeeperApp
    from screens.keys import key_catalog

    return key_catalog(ScopekeeperApp)
