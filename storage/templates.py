"""Document templates: the built-in ones, the agency's overrides, and rendering them safely.

Built-in templates ship in the ``templates`` package (``NAME.md.j2``); a file of the same
name in the user's template directory overrides one, file by file. Rendering uses Jinja2's
``ImmutableSandboxedEnvironment`` with ``StrictUndefined`` and no autoescaping (the output
is plain text), refuses ``**`` and repeating text more than 1,000 times, and caps the
output. Templates that are not built in — a colleague may have written them, or put a named
pipe or a link to ``/dev/zero`` in their place — are read and rendered in a separate process
with CPU, memory and wall-clock limits, and only if they are regular files of a capped size
inside the templates directory (``storage.template_files``), so a hostile file is refused
with an error instead of freezing or exhausting the app (``storage.render_worker``); the
person may cancel it (:class:`RenderJob`). Listing opens no file: an entry that would be
refused is listed with the reason. Errors name the file, the line and the reason. Control
characters are removed from every rendered text before anyone sees it.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import subprocess
import sys
import threading
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from storage.errors import StorageError
from storage.template_files import MAX_CHARS, Refused, problem, read_template
from tracker.text import clean_text

SUFFIX = ".md.j2"
MAX_TEMPLATE = MAX_CHARS  # characters of template source
MAX_OUTPUT = 100_000  # characters of rendered text
WALL_SECONDS = 3.0  # a user template taking longer is stopped
CPU_SECONDS = 3
MEMORY_BYTES = 512 * 1024 * 1024


class TemplateError(StorageError):
    """A template cannot be used: the message names the file, the line and the reason."""


class TemplateDirError(TemplateError):
    """The agency's templates directory (``templates.dir``) cannot be read."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Template:
    name: str
    path: Path
    builtin: bool
    overrides: bool = False  # a user file that replaces a built-in one
    problem: str = ""  # why the file would be refused ("" if it looks usable)


@dataclass(frozen=True, slots=True, kw_only=True)
class Rendered:
    text: str
    template: Template
    model: dict[str, Any]  # what it was rendered from (ids of the request or call it is about)


def builtin_dir() -> Path:
    return Path(str(resources.files("templates")))


def available(user: Path | None) -> dict[str, Template]:
    """Every template by name: the user's file where there is one (with the reason it would
    be refused, if it would), else the built-in. A ``user`` directory that cannot be read
    is a :class:`TemplateDirError`: no silent fall-back to the built-in templates."""
    found = {p.name.removesuffix(SUFFIX): Template(name=p.name.removesuffix(SUFFIX), path=p,
                                                   builtin=True)
             for p in sorted(builtin_dir().glob("*" + SUFFIX))}
    if user is not None:
        for file in _entries(user):
            name = file.removesuffix(SUFFIX)
            path = user / file
            found[name] = Template(name=name, path=path, builtin=False,
                                   overrides=name in found, problem=problem(path, user))
    return found


def _entries(user: Path) -> list[str]:
    """The template file names in ``user`` (nothing is opened but the directory)."""
    fix = "correct templates.dir ('scopekeeper config' shows where it is set)"
    try:
        st = os.stat(user)
        if not stat.S_ISDIR(st.st_mode):
            raise TemplateDirError(f"{user}: the templates directory (templates.dir) is not a "
                                   f"directory; {fix}")
        with os.scandir(user) as entries:
            return sorted(e.name for e in entries
                          if e.name.endswith(SUFFIX) and e.name != SUFFIX)
    except FileNotFoundError:
        raise TemplateDirError(f"{user}: the templates directory (templates.dir) does not "
                               f"exist; create it, or {fix}") from None
    except PermissionError:
        raise TemplateDirError(f"{user}: cannot read the templates directory (permission "
                               f"denied); ask to be added to {_group_of(user)}") from None
    except OSError as e:
        raise TemplateDirError(f"{user}: cannot read the templates directory: "
                               f"{e.strerror or e}; {fix}") from None


def _group_of(path: Path) -> str:
    import grp

    for place in (path, *path.parents):
        try:
            gid = os.stat(place).st_gid
        except OSError:
            continue  # a directory we cannot enter: its parent tells whose it is
        try:
            return f"the group {grp.getgrgid(gid).gr_name!r} that owns {place}"
        except KeyError:
            return f"the group {gid} that owns {place}"
    return "the group that owns it"


def find(name: str, user: Path | None, *, builtin_only: bool = False) -> Template:
    templates = available(None if builtin_only else user)
    try:
        return templates[name]
    except KeyError:
        raise TemplateError(f"no template {name!r}; choose from "
                            f"{', '.join(sorted(templates))}") from None


class RenderJob:
    """One rendering that another thread may stop: :meth:`cancel` kills its worker process
    (at once: a person who cancels or quits never waits for a template)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen[str] | None = None
        self.cancelled = False

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def start(self, argv: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
        with self._lock:
            if self.cancelled:
                raise TemplateError("cancelled")
            self._process = subprocess.Popen(
                argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                text=True, encoding="utf-8", env=env)
            return self._process

    def cancel(self) -> None:
        with self._lock:
            self.cancelled = True
            process = self._process
        if process is not None and process.poll() is None:
            process.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=5)  # killed: gone in an instant (not left a zombie)


def render(t: Template, context: dict[str, Any], job: RenderJob | None = None) -> Rendered:
    """Render ``t`` with ``context`` (plain data); built-ins here, others in a worker
    process that ``job`` may cancel."""
    if t.problem:
        raise TemplateError(f"{t.path}: refused: {t.problem}")
    if t.builtin:
        from storage.render_worker import render_source

        try:
            source = read_template(t.path, builtin_dir())
        except Refused as e:
            raise TemplateError(f"{t.path}: refused: {e}") from None
        result = render_source(source, str(t.path), context)
    else:
        result = _render_apart(t.path, context, job or RenderJob())
    if "error" in result:
        raise TemplateError(result["error"])
    return Rendered(text=clean_text(result["text"]), template=t, model=context)


def _render_apart(path: Path, context: dict[str, Any], job: RenderJob) -> dict[str, str]:
    filename = str(path)
    payload = json.dumps({"path": filename, "folder": str(path.parent), "context": context,
                          "limits": {"cpu": CPU_SECONDS, "memory": MEMORY_BYTES,
                                     "output": MAX_OUTPUT}})
    # the renderer inherits nothing of the person's environment: it needs only our modules
    env = {"PYTHONPATH": os.pathsep.join(p for p in sys.path if p), "PYTHONUTF8": "1",
           "PYTHONIOENCODING": "utf-8", "PYTHONDONTWRITEBYTECODE": "1"}
    try:
        process = job.start([sys.executable, "-m", "storage.render_worker"], env)
    except OSError as e:
        return {"error": f"{filename}: cannot start the template renderer: {e.strerror}"}
    try:
        out, err = process.communicate(payload, timeout=WALL_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        return {"error": f"{filename}: stopped after {WALL_SECONDS:g} s (does it loop too much?)"}
    finally:
        if process.poll() is None:  # interrupted (Ctrl+C): never leave it running
            process.kill()
            process.wait()
    if job.cancelled:
        return {"error": f"{filename}: cancelled"}
    try:
        result: dict[str, str] = json.loads(out)
        return result
    except ValueError:
        why = "it used too much memory or time" if process.returncode < 0 else (
            err.strip().splitlines()[-1:] or ["no output"])[0]
        return {"error": f"{filename}: the template renderer stopped: {why}"}
