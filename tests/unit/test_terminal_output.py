"""One way out to the terminal: whatever the commands print and the app notifies goes
through the one cleaner (``scopekeeper/output.py``, ``screens/notices.py``).

The guard reads the source (AST): a new ``print(name)``, ``notify(f"{person.name} ...")``
or ``sys.stdout.write(text)`` anywhere in ``scopekeeper/`` or ``screens/`` fails here with
its file and line, whoever adds it.
"""

from __future__ import annotations

import ast
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from scopekeeper import output
from tests.hostile import PAYLOAD, unsafe

ROOT = Path(__file__).resolve().parents[2]
#: The calls that put text on a terminal (or may: a widget's write, a stream's write).
OUT = {"print", "notify", "write"}
#: The modules that are the way out: they clean what they are given.
GATES = {"scopekeeper/output.py", "screens/notices.py",
         # Textual's own output thread's file: frames Textual drew from cleaned widgets,
         # passed on as they are (dropped once the terminal is gone)
         "screens/lifeline.py"}
#: A write to a file (never shown) says so on its line.
TO_A_FILE = "# a file, not a terminal"
#: Keyword arguments that are not text shown to anyone.
NOT_TEXT = {"markup", "severity", "timeout", "end", "sep", "file", "flush"}


def _literal(node: ast.expr) -> bool:
    """Text fixed in the source: a constant, or an f-string of constants."""
    if isinstance(node, ast.Constant):
        return True
    return isinstance(node, ast.JoinedStr) and all(
        isinstance(v, ast.Constant) for v in node.values)


def leaks(tree: ast.AST, lines: list[str]) -> Iterator[ast.Call]:
    """Calls that send anything but a literal to print/notify/write."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else (
            func.attr if isinstance(func, ast.Attribute) else "")
        if name not in OUT or TO_A_FILE in lines[node.lineno - 1]:
            continue
        texts = [*node.args, *(k.value for k in node.keywords if k.arg not in NOT_TEXT)]
        if not all(_literal(t) for t in texts):
            yield node


def _found(folder: str) -> list[str]:
    found = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel in GATES:
            continue
        text = path.read_text(encoding="utf-8")
        found += [f"{rel}:{call.lineno}" for call in leaks(ast.parse(text), text.splitlines())]
    return found


@pytest.mark.parametrize("folder", ["scopekeeper", "screens"])
def test_text_reaches_the_terminal_only_through_the_cleaner(folder):
    assert _found(folder) == [], ("print with scopekeeper.output.say/note/document/data, "
                                  "notify with screens.notices.tell")


def test_the_guard_catches_what_it_is_for():
    """The mistakes it exists for (the Team screen's ``u`` once printed a name raw) are
    caught; the ways out and literals are not."""
    bad = ("app.notify(f'{member.name} covers no client.', markup=False)\n"
           "print(client.name)\n"
           "print(f'{client.id}: changes', file=sys.stderr)\n"
           "sys.stdout.write(doc.text)\n"
           "sys.stdout.buffer.write(data)\n"
           "self.notify('Saved.', title=path)\n"
           "log.write(note)\n")
    good = ("tell(app, f'{member.name} covers no client.')\n"
            "say(f'{client.id}: changes')\n"
            "note(str(e))\n"
            "print('literal')\n"
            "self.notify('Saved.', title='Done', markup=False)\n"
            "f.write(text)  # a file, not a terminal\n")
    assert [c.lineno for c in leaks(ast.parse(bad), bad.splitlines())] == [1, 2, 3, 4, 5, 6, 7]
    assert list(leaks(ast.parse(good), good.splitlines())) == []


# ---------------------------------------------------------------- the ways out themselves

class _Std(io.StringIO):
    def __init__(self) -> None:
        super().__init__()
        self.buffer = io.BytesIO()


def test_what_the_commands_print_is_cleaned(monkeypatch):
    out, err = _Std(), _Std()
    monkeypatch.setattr("sys.stdout", out)
    monkeypatch.setattr("sys.stderr", err)
    output.say(f"a line\twith a tab\n{PAYLOAD}")
    output.note(f"one\nline {PAYLOAD}")
    output.document(f"# Title\n\n{PAYLOAD}\n")
    output.data(f"BEGIN:VCALENDAR\r\nUID:{PAYLOAD}\r\nEND:VCALENDAR\r\n".encode())
    written = out.getvalue().encode() + out.buffer.getvalue() + err.getvalue().encode()
    assert unsafe(written, allow_cr=True) == []
    assert out.getvalue().startswith("a line\twith a tab\n\ufffd]52;c;")  # TAB, LF kept
    assert err.getvalue().count("\n") == 1 and err.getvalue().startswith("one line ")
    assert out.buffer.getvalue().count(b"\r\n") == 3  # an iCalendar file's line ends


def test_the_apps_toasts_are_cleaned_and_never_markup():
    from screens.notices import tell

    got: list[tuple[str, dict[str, object]]] = []

    class App:
        def notify(self, message: str, **kw: object) -> None:
            got.append((message, kw))

    tell(App(), f"{PAYLOAD} covers no client.", title=f"Person {PAYLOAD}", severity="error")
    (message, kw), = got
    assert kw["markup"] is False and kw["severity"] == "error"
    assert unsafe(f"{message}{kw['title']}".encode(), allow_cr=False) == []
    assert "[red]x[/]" in message and message.endswith("covers no client.")


def test_a_json_export_escapes_what_a_terminal_would_obey_and_reads_back_the_same():
    from storage.json_export import export_json, read_export
    from tests.factories import make_client
    from tracker.models import Agency

    name = f"Evil\u202e Co \x9b6n {PAYLOAD}\x7f"
    raw = export_json(Agency(clients=(make_client(name=name),)), "2026-11-23T00:00:00Z")
    assert unsafe(raw, allow_cr=False) == []
    assert "\\u009b6n" in raw.decode() and "\\u202e" in raw.decode()
    assert json.loads(raw)["tables"]["clients"][0]["name"] == name
    assert read_export(raw, "x.json").agency.clients[0].name == name
