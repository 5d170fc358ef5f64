"""Document templates: the built-in ones, the agency's overrides, and rendering them safely.

Built-in templates ship in the ``templates`` package (``NAME.md.j2``); a file of the same
name in the user's template directory overrides one, file by file. Rendering uses Jinja2's
``ImmutableSandboxedEnvironment`` with ``StrictUndefined`` and no autoescaping (the output
is plain text), refuses ``**`` and repeating text more than 1,000 times, and caps the
output. Templates that are not built in — a colleague may have written them — are rendered
in a separate process with CPU, memory and wall-clock limits, so a runaway template is
stopped with an error instead of freezing or exhausting the app (``storage.render_worker``).
Errors name the file, the line and the reason. Control characters are removed from every
rendered text before anyone sees it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from storage.errors import StorageError
from tracker.text import clean_text

SUFFIX = ".md.j2"
MAX_TEMPLATE = 20_000  # characters of template source
MAX_OUTPUT = 100_000  # characters of rendered text
WALL_SECONDS = 3.0  # a user template taking longer is stopped
CPU_SECONDS = 3
MEMORY_BYTES = 512 * 1024 * 1024


class TemplateError(StorageError):
    """A template cannot be used: the message names the file, the line and the reason."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Template:
    name: str
    path: Path
    builtin: bool
    overrides: bool = False  # a user file that replaces a built-in one


@dataclass(frozen=True, slots=True, kw_only=True)
class Rendered:
    text: str
    template: Template
    model: dict[str, Any]  # what it was rendered from (ids of the request or call it is about)


def builtin_dir() -> Path:
    return Path(str(resources.files("templates")))


def available(user: Path | None) -> dict[str, Template]:
    """Every template by name: the user's file where there is one, else the built-in."""
    found = {p.name.removesuffix(SUFFIX): Template(name=p.name.removesuffix(SUFFIX), path=p,
                                                   builtin=True)
             for p in sorted(builtin_dir().glob("*" + SUFFIX))}
    if user is not None and user.is_dir():
        for p in sorted(user.glob("*" + SUFFIX)):
            name = p.name.removesuffix(SUFFIX)
            found[name] = Template(name=name, path=p, builtin=False, overrides=name in found)
    return found


def find(name: str, user: Path | None, *, builtin_only: bool = False) -> Template:
    templates = available(None if builtin_only else user)
    try:
        return templates[name]
    except KeyError:
        raise TemplateError(f"no template {name!r}; choose from "
                            f"{', '.join(sorted(templates))}") from None


def source_of(t: Template) -> str:
    try:
        text = t.path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        reason = e.strerror if isinstance(e, OSError) else "not UTF-8 text"
        raise TemplateError(f"{t.path}: cannot read: {reason}") from None
    if len(text) > MAX_TEMPLATE:
        raise TemplateError(f"{t.path}: longer than {MAX_TEMPLATE:,} characters")
    return text


def render(t: Template, context: dict[str, Any]) -> Rendered:
    """Render ``t`` with ``context`` (plain data); built-ins here, others in a worker."""
    source = source_of(t)
    if t.builtin:
        from storage.render_worker import render_source

        result = render_source(source, str(t.path), context)
    else:
        result = _render_apart(source, str(t.path), context)
    if "error" in result:
        raise TemplateError(result["error"])
    return Rendered(text=clean_text(result["text"]), template=t, model=context)


def _render_apart(source: str, filename: str, context: dict[str, Any]) -> dict[str, str]:
    payload = json.dumps({"source": source, "filename": filename, "context": context,
                          "limits": {"cpu": CPU_SECONDS, "memory": MEMORY_BYTES,
                                     "output": MAX_OUTPUT}})
    # the renderer inherits nothing of the person's environment: it needs only our modules
    env = {"PYTHONPATH": os.pathsep.join(p for p in sys.path if p), "PYTHONUTF8": "1",
           "PYTHONIOENCODING": "utf-8", "PYTHONDONTWRITEBYTECODE": "1"}
    try:
        done = subprocess.run([sys.executable, "-m", "storage.render_worker"], input=payload,
                              capture_output=True, text=True, encoding="utf-8",
                              timeout=WALL_SECONDS, env=env, check=False)
    except subprocess.TimeoutExpired:
        return {"error": f"{filename}: stopped after {WALL_SECONDS:g} s (does it loop too much?)"}
    except OSError as e:
        return {"error": f"{filename}: cannot start the template renderer: {e.strerror}"}
    try:
        result: dict[str, str] = json.loads(done.stdout)
        return result
    except ValueError:
        why = "it used too much memory or time" if done.returncode < 0 else (
            done.stderr.strip().splitlines()[-1:] or ["no output"])[0]
        return {"error": f"{filename}: the template renderer stopped: {why}"}
