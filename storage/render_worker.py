"""Rendering one template in Jinja2's immutable sandbox; run as a process for user templates.

``python -m storage.render_worker`` reads ``{"path", "folder", "context", "limits"}`` as JSON
on stdin, limits its own CPU time and memory, then reads the template file (regular files
in the templates directory only, size capped: ``storage.template_files``), renders it and
writes ``{"text"}`` or ``{"error"}`` as JSON on stdout. The parent (``storage.templates``)
adds the wall-clock limit, and kills it when the person cancels or quits.
"""

from __future__ import annotations

import json
import sys
import traceback
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, TemplateSyntaxError
from jinja2.exceptions import SecurityError, TemplateError, UndefinedError
from jinja2.sandbox import ImmutableSandboxedEnvironment

MAX_REPEAT = 1_000
MAX_OUTPUT = 100_000


class _Sandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox, minus the two operators that build huge values in one step."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**":
            raise SecurityError("the ** operator")
        seq = (str, list, tuple)
        if isinstance(left, seq) or isinstance(right, seq):
            times = right if isinstance(left, seq) else left
            if isinstance(times, int) and times > MAX_REPEAT:
                raise SecurityError(f"repeating text or a list more than {MAX_REPEAT:,} times")
        return super().call_binop(context, operator, left, right)


@lru_cache(maxsize=1)
def _env() -> _Sandbox:
    return _Sandbox(undefined=StrictUndefined, autoescape=False, trim_blocks=True,
                    lstrip_blocks=True, keep_trailing_newline=True)


@lru_cache(maxsize=32)
def _template(source: str, filename: str) -> Any:
    env = _env()
    return env.template_class.from_code(env, env.compile(source, filename=filename),
                                        env.make_globals(None), None)


def _line(error: BaseException, filename: str) -> int | None:
    if isinstance(error, TemplateSyntaxError):
        return error.lineno
    lines = [f.lineno for f in traceback.extract_tb(error.__traceback__)
             if f.filename == filename]
    return lines[-1] if lines else None


def _reason(error: BaseException) -> str:
    if isinstance(error, MemoryError):
        return "it needs more memory than a template may use"
    if isinstance(error, UndefinedError):
        return f"{error.message} (misspelt, or not available in this document)"
    if isinstance(error, SecurityError):
        return f"not allowed: {error}"
    if isinstance(error, TemplateError):
        return error.message or type(error).__name__
    if isinstance(error, TypeError) and "no loader" in str(error):
        return "a template cannot include, import or extend other files"
    return f"{type(error).__name__}: {error}"


def render_source(source: str, filename: str, context: dict[str, Any],
                  max_output: int = MAX_OUTPUT) -> dict[str, str]:
    """``{"text": ...}`` or ``{"error": "FILE, line N: reason"}``."""
    try:
        template = _template(source, filename)
        parts: list[str] = []
        size = 0
        for chunk in template.generate(**context):
            size += len(chunk)
            if size > max_output:
                return {"error": f"{filename}: its output is longer than {max_output:,} "
                                 "characters"}
            parts.append(chunk)
        return {"text": "".join(parts)}
    except RecursionError:
        return {"error": f"{filename}: it nests too deeply"}
    except Exception as e:  # any failure of the template is reported, not raised
        line = _line(e, filename)
        where = f"{filename}, line {line}" if line else filename
        return {"error": f"{where}: {_reason(e)}"}


def _limit(cpu: int, memory: int) -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))


def _render_file(path: str, folder: str, context: dict[str, Any],
                 max_output: int) -> dict[str, str]:
    from storage.template_files import Refused, read_template

    try:
        source = read_template(path, folder)
    except Refused as e:
        return {"error": f"{path}: refused: {e}"}
    return render_source(source, path, context, max_output)


def main() -> None:
    job = json.loads(sys.stdin.read())
    limits = job["limits"]
    _limit(int(limits["cpu"]), int(limits["memory"]))
    try:
        result = _render_file(job["path"], job["folder"], job["context"],
                              int(limits["output"]))
    except MemoryError:
        result = {"error": f"{job['path']}: it used more than "
                           f"{int(limits['memory']) >> 20} MB"}
    sys.stdout.write(json.dumps(result))


if __name__ == "__main__":
    main()
