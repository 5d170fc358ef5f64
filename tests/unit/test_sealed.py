"""Guards: the machine reaches the program only through the composition root, and no test
reaches the machine (its clock, home, configuration) except through the sealed environment.

Each guard reads the source (AST), so a new test or module that breaks the rule fails here
with its file and line, whatever the day or the machine it runs on.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.factories import TODAY
from tests.sealed import sealed_env

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "tests"
#: Reading the wall clock: the ``today``/``now`` constructors of ``date``, ``datetime``, ``time``.
CLOCK = {("date", "today"), ("datetime", "now"), ("datetime", "today"), ("datetime", "utcnow"),
         ("time", "time"), ("time", "localtime"), ("time", "gmtime"), ("time", "ctime")}
#: A test may read the real clock only to check how the program relates to it, and says so.
REAL_CLOCK = "# noqa: real-clock"
#: Calls that start a process with an environment of their choosing (env=, or execve's 3rd).
SPAWN = {"run", "Popen", "call", "check_call", "check_output", "execve", "execvpe",
         "spawnve", "create_subprocess_exec", "create_subprocess_shell"}


def sources(folder: Path) -> Iterator[tuple[Path, ast.Module, list[str]]]:
    for path in sorted(folder.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        yield path, ast.parse(text), text.splitlines()


def where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"


def dotted(node: ast.AST) -> tuple[str, ...]:
    """``a.b.c`` as ("a", "b", "c"); () for anything else."""
    if isinstance(node, ast.Name):
        return (node.id,)
    if isinstance(node, ast.Attribute):
        inner = dotted(node.value)
        return (*inner, node.attr) if inner else ()
    return ()


def clock_reads(tree: ast.AST) -> Iterator[ast.Call]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and dotted(node.func)[-2:] in CLOCK:
            yield node


def test_no_test_reads_the_wall_clock():
    found = [where(path, call) for path, tree, lines in sources(TESTS)
             for call in clock_reads(tree) if REAL_CLOCK not in lines[call.lineno - 1]]
    assert found == [], "tests use TODAY from tests/factories.py, not the machine's day"


def _calls_sealed_env(node: ast.AST, module: ast.Module, seen: frozenset[str] = frozenset(),
                      ) -> bool:
    """Whether ``node`` builds its environment with ``sealed_env`` — directly, through a
    helper function of the module, or through a variable or attribute assigned from one."""
    for inner in ast.walk(node):
        name = dotted(inner.func)[-1:] if isinstance(inner, ast.Call) else ()
        if name == ("sealed_env",):
            return True
        if name and name[0] not in seen:
            for fn in ast.walk(module):
                if isinstance(fn, ast.FunctionDef) and fn.name == name[0] and \
                        _calls_sealed_env(fn, module, seen | {name[0]}):
                    return True
        target = dotted(inner) if isinstance(inner, ast.Name | ast.Attribute) else ()
        if target and target[-1] not in seen and target[-1] not in ("os", "environ"):
            for assign in ast.walk(module):
                if isinstance(assign, ast.Assign | ast.AnnAssign) and any(
                        dotted(t)[-1:] == target[-1:] for t in (
                            assign.targets if isinstance(assign, ast.Assign)
                            else [assign.target])) and assign.value is not None and \
                        _calls_sealed_env(assign.value, module, seen | {target[-1]}):
                    return True
    return False


def test_every_process_a_test_starts_gets_the_sealed_environment():
    """A subprocess inherits the sealed ``os.environ``, or is given ``sealed_env(...)``."""
    found = []
    for path, tree, _ in sources(TESTS):
        for call in ast.walk(tree):
            if not isinstance(call, ast.Call) or dotted(call.func)[-1:] not in {(s,) for s in SPAWN}:
                continue
            env = next((k.value for k in call.keywords if k.arg == "env"), None)
            if env is None and dotted(call.func)[-1] in ("execve", "execvpe", "spawnve"):
                env = call.args[2] if len(call.args) > 2 else None
            if env is not None and not _calls_sealed_env(env, tree):
                found.append(where(path, call))
    assert found == [], "give these processes sealed_env(...) (tests/sealed.py)"


# --- the same rule from the program's side: only scopekeeper/ reads the machine ------------

#: What the layers below the composition root never do. ``storage.engine.settings.utc_now`` is the
#: one default clock (of the audit trail and backups, for library use); the root passes its own.
MACHINE = {("os", "environ"), ("os", "getenv"), ("os", "getlogin"), ("Path", "home"),
           ("getpass", "getuser"), ("pwd", "getpwuid")}
ALLOWED = {("storage/engine/settings.py", "utc_now")}


def machine_reads(path: Path, tree: ast.Module) -> Iterator[tuple[ast.AST, str]]:
    rel = path.relative_to(ROOT).as_posix()
    allowed = {id(n) for fn in ast.walk(tree) if isinstance(fn, ast.FunctionDef)
               and (rel, fn.name) in ALLOWED for n in ast.walk(fn)}
    for node in ast.walk(tree):
        if id(node) in allowed:
            continue
        if isinstance(node, ast.Attribute) and dotted(node)[-2:] in MACHINE:
            yield node, ".".join(dotted(node)[-2:])
        elif isinstance(node, ast.Attribute) and node.attr == "expanduser":
            yield node, "expanduser"
        elif isinstance(node, ast.Call) and dotted(node.func)[-2:] in CLOCK:
            yield node, ".".join(dotted(node.func)[-2:])


@pytest.mark.parametrize("layer", ["tracker", "storage", "screens"])
def test_only_the_composition_root_reads_the_clock_the_environment_and_the_login(layer):
    found = [f"{where(path, node)} {what}" for path, tree, _ in sources(ROOT / layer)
             for node, what in machine_reads(path, tree)]
    assert found == [], "take it from scopekeeper/host.py (the composition root) instead"


def test_the_guards_catch_what_they_are_for():
    """The guards above fail on the mistakes they exist for (else they prove nothing)."""
    bad = ast.parse("import subprocess, os\nfrom datetime import date\n"
                    "def t():\n    d = date.today()\n"  # noqa: real-clock - the mistake caught
                    "    env = {'HOME': '/root'}\n"
                    "    subprocess.run(['x'], env=env)\n"
                    "    subprocess.run(['x'], env=dict(os.environ))\n"
                    "    os.environ['HOME']\n")
    good = ast.parse("import subprocess\nfrom tests.sealed import sealed_env\n"
                     "def make(p):\n    return sealed_env(home=p)\n"
                     "def t(p):\n    env = make(p) | {'A': '1'}\n"
                     "    subprocess.run(['x'], env=env)\n"
                     "    subprocess.run(['x'], env=sealed_env(B='2'))\n")
    assert len(list(clock_reads(bad))) == 1
    spawned = [c for c in ast.walk(bad) if isinstance(c, ast.Call) and c.keywords]
    assert [_calls_sealed_env(c.keywords[0].value, bad) for c in spawned] == [False, False]
    spawned = [c for c in ast.walk(good) if isinstance(c, ast.Call) and c.keywords and
               c.keywords[0].arg == "env"]
    assert [_calls_sealed_env(c.keywords[0].value, good) for c in spawned] == [True, True]
    found = sorted(what for _, what in machine_reads(ROOT / "storage" / "m.py", bad))
    assert found == ["date.today", "os.environ", "os.environ"]


# --- the sealed environment itself -------------------------------------------------------

def test_this_process_is_sealed(tmp_path_factory):
    env = os.environ
    assert env["SCOPEKEEPER_TODAY"] == TODAY.isoformat()
    assert not Path(env["SCOPEKEEPER_SYSTEM_CONFIG"]).exists()
    assert Path(env["HOME"]).is_relative_to(tmp_path_factory.getbasetemp())  # a private home
    assert all(env[v].startswith(env["HOME"]) for v in env if v.startswith("XDG_"))
    assert (env["TERM"], env["EDITOR"], env["VISUAL"]) == ("xterm-256color", "true", "true")
    assert not {"NO_COLOR", "COLORTERM", "SCOPEKEEPER_DB", "SCOPEKEEPER_CONFIG",
                "PYTHONUNBUFFERED"} & set(env)


def test_the_command_runs_sealed_in_a_subprocess(tmp_path):
    """What a subprocess of a test sees: no file but its own, the fixed day."""
    out = subprocess.run([sys.executable, "-m", "scopekeeper", "--db", str(tmp_path / "a.json"),
                          "config"], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.splitlines()[0] == "files read: none"
    out = subprocess.run([sys.executable, "-m", "scopekeeper", "--db", str(tmp_path / "a.json"),
                          "review", "--format", "json"], capture_output=True, text=True,
                         check=True, cwd=ROOT, env=sealed_env(home=tmp_path / "h"))
    assert f'"date": "{TODAY.isoformat()}"' in out.stdout
