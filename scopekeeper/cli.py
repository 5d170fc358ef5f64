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
import importlib
import sys
from collections.abc import Callable, Mapping, Sequence

from scopekeeper.commands.app import COLOR_SYSTEMS, prepare_terminal, terminal_problem  # noqa: F401 - the tests' names
from scopekeeper.host import HostError, read_host
from scopekeeper.output import note
from scopekeeper.parser import PROG, UsageError, build_parser
from storage.errors import StorageError
from storage.locations import NotAFile, scrub
from tracker.errors import ValidationError
from tracker.text import clean_line

#: Each command's module and function, imported when it runs: the app's first frame does
#: without the other commands' modules.
COMMANDS = {"demo": "upkeep:cmd_demo", "review": "review:cmd_review", "log": "records:cmd_log",
            "compact": "upkeep:cmd_compact", "doctor": "upkeep:cmd_doctor",
            "restore": "upkeep:cmd_restore", "render": "documents:cmd_render",
            "templates": "documents:cmd_templates", "config": "upkeep:cmd_config",
            "history": "review:cmd_history", "nps": "records:cmd_nps",
            "budget": "records:cmd_budget", "access": "records:cmd_access",
            "contact": "records:cmd_contact", "export": "exchange:cmd_export",
            "import": "exchange:cmd_import", "completion": "exchange:cmd_completion",
            "requests": "review:cmd_listing", "calls": "review:cmd_listing",
            "migrate": "migrate:cmd_migrate", None: "app:cmd_tui"}


def _handler(command: str | None) -> Callable[[argparse.Namespace], int]:
    module, name = COMMANDS[command].split(":")
    handler: Callable[[argparse.Namespace], int] = getattr(
        importlib.import_module(f"scopekeeper.commands.{module}"), name)
    return handler


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
        code = _handler(args.command)(args)
        sys.stdout.flush()  # a full disk behind '>' is said here, not at exit
        return code
    except (UsageError, HostError, ValidationError, NotAFile) as e:  # bad input: nothing written
        note(f"{PROG}: error: {clean_line(scrub(str(e)))}")
        return 2
    except StorageError as e:  # a backend's message may quote a connection URL
        note(f"{PROG}: error: {clean_line(scrub(str(e)))}")
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
