"""Every command, run as a real process on a data file with hostile text in every field of
every record (and in every id), writes nothing a terminal would obey: its standard output
and standard error are scanned byte by byte (see ``tests/hostile.py``)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from storage.repositories import Store
from tests.factories import TODAY
from tests.hostile import EMAIL_PAYLOAD, PAYLOAD, hostile_agency, unsafe
from tracker.models import Agency, ChangeStatus, InteractionKind

BIN = Path(sys.executable).parent / "scopekeeper"
#: What a person can type as an argument (argv cannot hold NUL).
TYPED = PAYLOAD.replace("\x00", "")
_SEED: dict[str, bytes] = {}


def _agency() -> Agency:
    if "agency" not in _SEED:
        _SEED["agency"] = hostile_agency(TODAY)  # type: ignore[assignment]
    return _SEED["agency"]  # type: ignore[return-value]


def hostile_file(path: Path) -> Path:
    """The hostile agency written to ``path`` (made once per session, copied after)."""
    if "file" not in _SEED:
        seed = path.with_name("seed.json")
        Store(seed).replace_all(_agency())
        _SEED["file"] = seed.read_bytes()
        for left in seed.parent.glob(seed.name + "*"):
            left.unlink()
    path.write_bytes(_SEED["file"])
    return path


def _ids() -> dict[str, str]:
    """Clients in the situations the commands print about."""
    a = _agency()
    budget = {b.client_id for b in a.budget_changes}
    pending = {r.client_id for r in a.change_requests if r.status is ChangeStatus.PENDING}
    calls = {i.client_id for i in a.interactions if i.kind is InteractionKind.STATUS_CALL}
    return {"main": sorted(pending & calls)[0], "budget": sorted(budget)[0],
            "no-budget": next(c.id for c in a.clients if c.id not in budget),
            "no-request": next(c.id for c in a.clients if c.id not in pending)}


def _config(tmp: Path) -> Path:
    """A configuration with hostile values (``config`` shows every one)."""
    templates = tmp / f"templates{TYPED[:40]}"
    templates.mkdir()
    (templates / "\x1b]0;T\x07evil\u202e.md.j2").write_text("x", encoding="utf-8")
    cfg = tmp / "config.toml"
    cfg.write_text(f"[agency]\nname = {_toml(TYPED)}\n"
                   f"[templates]\ndir = {_toml(str(templates))}\n", encoding="utf-8")
    return cfg


def _toml(text: str) -> str:
    """``text`` as a TOML basic string."""
    return '"' + "".join(f"\\u{ord(c):04X}" if ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F
                         else "\\" + c if c in '"\\' else c for c in text) + '"'


#: name -> (arguments, whether the hostile text itself is printed). CLIENT, BUDGET,
#: NO_BUDGET, NO_REQUEST are ids with escape sequences in them; TYPED is what a person typed.
CASES: dict[str, tuple[tuple[str, ...], bool]] = {
    "review": (("review",), True),
    "review-json": (("review", "--format", "json"), True),
    "review-for-nobody": (("review", "--for", "nobody"), True),  # lists the team
    "review-for-many": (("review", "--for", "ZWNoby"), True),  # names who matched
    "review-for-typed": (("review", "--for", TYPED), True),
    "log": (("log", "CLIENT", "--kind", "email", "--note", TYPED), True),
    "log-many-match": (("log", "ZWNoby", "--kind", "email"), True),  # the ambiguous list
    "log-no-match": (("log", TYPED, "--kind", "email"), True),
    "log-bad-date": (("log", "CLIENT", "--kind", "email", "--on", TYPED), True),
    "log-bad-kind": (("log", "CLIENT", "--kind", TYPED), True),
    "nps": (("nps", "CLIENT", "3", "--comment", TYPED), True),
    "budget": (("budget", "BUDGET", "5000", "--reason", TYPED), True),
    "budget-none-yet": (("budget", "NO_BUDGET", "5000"), True),
    "budget-bad-amount": (("budget", "CLIENT", TYPED), True),
    "access": (("access", "CLIENT", TYPED, "--account", TYPED), True),
    "contact": (("contact", "CLIENT", TYPED, "--title", TYPED), True),
    "history": (("history", "CLIENT"), True),
    "requests": (("requests", "CLIENT"), True),
    "requests-json": (("requests", "CLIENT", "--format", "json"), True),
    "calls": (("calls", "CLIENT"), True),
    "calls-json": (("calls", "CLIENT", "--format", "json"), True),
    "export-json": (("export", "--format", "json"), True),
    "export-ics": (("export", "--format", "ics", "--days", "60"), True),
    "export-csv": (("export", "--format", "csv", "-o", "OUT"), False),
    "import-own-export": (("import", "EXPORT"), False),  # its hostile ids are refused
    "import-csv": (("import", "CSV"), True),
    "render-kickoff": (("render", "kickoff", "--client", "CLIENT"), True),
    "render-call-summary": (("render", "call_summary", "--client", "CLIENT"), True),
    "render-change-order": (("render", "change_order", "--client", "CLIENT"), True),
    "render-stay-focused": (("render", "stay_focused", "--client", "CLIENT"), True),
    "render-monthly-report": (("render", "monthly_report", "--client", "CLIENT"), True),
    "render-new-contact": (("render", "new_contact_briefing", "--client", "CLIENT"), True),
    "render-save-mode": (("render", "save_mode_prep", "--client", "CLIENT"), True),
    "render-no-request": (("render", "change_order", "--client", "NO_REQUEST"), True),
    "render-to-a-file": (("render", "kickoff", "--client", "CLIENT", "-o", "OUT"), False),
    "render-no-template": (("render", TYPED, "--client", "CLIENT"), True),
    "config": (("config",), True),
    "templates": (("templates",), True),
    "doctor": (("doctor",), False),
    "compact": (("compact",), False),
    "restore": (("restore", "latest"), False),
    "completion": (("completion", "bash"), False),
    "bad-option": (("review", TYPED), True),
}


def _csv(tmp: Path) -> Path:
    """Interactions for clients that do not exist, with a bad date: every row a problem
    that quotes what is in it."""
    path = tmp / "calls.csv"
    rows = [f'"{TYPED}{n}",status call,"{TYPED}",{TYPED}' for n in range(3)]
    path.write_text("client,kind,on,notes\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _export(tmp: Path, db: Path) -> Path:
    path = tmp / "export.json"
    out = subprocess.run([str(BIN), "--db", str(db), "export", "--format", "json", "-o",
                          str(path)], capture_output=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return path


@pytest.mark.parametrize("case", sorted(CASES))
def test_no_command_lets_hostile_text_control_the_terminal(tmp_path, case):
    args, shown = CASES[case]
    db = hostile_file(tmp_path / f"agency{TYPED[:30]}.json")  # the path is printed too
    ids = _ids()
    where = {"CLIENT": ids["main"], "BUDGET": ids["budget"], "NO_BUDGET": ids["no-budget"],
             "NO_REQUEST": ids["no-request"], "OUT": str(tmp_path / f"out{TYPED[:20]}"),
             "CSV": str(_csv(tmp_path)) if "CSV" in args else "",
             "EXPORT": str(_export(tmp_path, db)) if "EXPORT" in args else ""}
    argv = [where.get(a, a) for a in args]
    cmd = [str(BIN), "--db", str(db), "--config", str(_config(tmp_path)), *argv]
    out = subprocess.run(cmd, capture_output=True, timeout=120)
    written = out.stdout + out.stderr
    assert b"Traceback" not in written, written.decode(errors="replace")[-2000:]
    assert out.returncode in (0, 1, 2)
    assert unsafe(written, allow_cr=case == "export-ics") == [], case
    if shown:  # the hostile text was printed (as text, JSON's \u escapes, ICS's \;)
        assert b"ZWNoby" in written, written[-600:]


def test_the_hostile_agency_has_hostile_text_everywhere():
    """The data the test above runs on: every free-text field of every record holds the
    payload (a field left out would leave a way to the terminal untested)."""
    a = _agency()
    assert all(getattr(a, t) for t in ("clients", "members", "change_requests", "interactions",
                                       "nps", "budget_changes", "access_grants",
                                       "contact_changes", "scope_items", "activities"))
    assert all(c.name.startswith(PAYLOAD[:20]) and "\x1b" in c.id for c in a.clients)
    assert all(m.name.startswith(PAYLOAD[:20]) for m in a.members)
    contacts = [p for c in a.clients for p in (c.primary_contact, *c.contacts) if p]
    assert all(p.email.startswith(EMAIL_PAYLOAD) for p in contacts if p.email)
    assert all(PAYLOAD in i.notes for i in a.interactions if i.notes)
    assert all(PAYLOAD in r.description for r in a.change_requests)
    assert all(PAYLOAD in n.comment for n in a.nps if n.comment)
