"""The real app in a real pseudo-terminal (80x24) on a data file with hostile text in every
field of every record and in every id: every screen, tab and dialog is visited, and every
byte the app writes is scanned. Only the sequences the app itself sends may reach the
terminal (SGR, cursor, DEC modes...: see ``tests/hostile.py``); never an OSC (clipboard,
window title), a DCS/APC/PM/SOS, a query whose answer would be typed as input, a C1
control or a bidi override. The hostile text is seen on screen all along, as text.

Each step waits for what it brings on screen (a timeout only bounds a failure)."""

from __future__ import annotations

import dataclasses
import os
import pty
import re
import select
import signal
import sys
import time
from pathlib import Path

from storage.repositories import Store
from tests.factories import TODAY
from tests.hostile import hostile_agency, poison_line, unsafe
from tests.sealed import sealed_env
from tracker.models import Assignment, ClientStatus, Role, TeamMember

BIN = Path(sys.executable).parent / "scopekeeper"
MID = "·".encode()
#: The cleaned OSC 52 body: the hostile text, shown as text.
SHOWN = b"]52;c;ZWNoby"


def hostile_file(path: Path) -> Path:
    """The hostile agency, with two more owners at the top of the Team screen: one who
    covers nobody (``u`` tells so, naming them) and one who covers every client (``a``);
    the client with a pending change request is the first in the list of clients."""
    a = hostile_agency(TODAY)
    nobody = TeamMember(id="mem_nobody", name=poison_line("Aaron Nobody"), role=Role.OWNER)
    every = TeamMember(id="mem_every", name=poison_line("Abby Everyone"), role=Role.OWNER)
    covers = tuple(Assignment(id=f"asg_every{n}", client_id=c.id, member_id=every.id,
                              since=TODAY) for n, c in enumerate(a.clients)
                   if c.status is not ClientStatus.CHURNED)
    # the client with a pending change request first in the list of clients
    clients = tuple(dataclasses.replace(c, name=c.name.replace("Redwood", "Aaa Redwood"))
                    for c in a.clients)
    Store(path).replace_all(dataclasses.replace(
        a, clients=clients, members=(*a.members, nobody, every),
        assignments=(*a.assignments, *covers)))
    return path


class Terminal:
    def __init__(self, db: Path, home: Path) -> None:
        env = sealed_env(home=home, COLUMNS="80", LINES="24")
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execve(str(BIN), [str(BIN), "--db", str(db)], env)
        self.seen = bytearray()  # since the last key
        self.everything = bytearray()
        self.plain: dict[bytes, re.Pattern[bytes]] = {}

    def wait_for(self, *markers: bytes | re.Pattern[bytes], timeout: float = 30) -> None:
        def there(m: bytes | re.Pattern[bytes]) -> bool:
            return m in self.seen if isinstance(m, bytes) else m.search(self.seen) is not None

        deadline = time.monotonic() + timeout
        while not all(map(there, markers)):
            if time.monotonic() > deadline:
                missing = [m for m in markers if not there(m)]
                raise AssertionError(f"no {missing!r} on screen; last: {bytes(self.seen[-800:])!r}")
            ready, _, _ = select.select([self.fd], [], [], 0.1)
            if ready:
                try:
                    got = os.read(self.fd, 65536)
                except OSError:  # the app ended
                    raise AssertionError(f"the app ended: {bytes(self.seen[-800:])!r}") from None
                self.seen += got
                self.everything += got

    def press(self, keys: str, *markers: bytes) -> None:
        """Type ``keys`` and wait for ``markers`` to be drawn. Closing a dialog (ESC) waits
        for the screen below drawn again as it was, not dimmed behind the dialog (else the
        next key could reach the dialog, or be read with the ESC as one Alt key)."""
        self.seen.clear()
        os.write(self.fd, keys.encode())
        try:
            if keys == ESC:
                self.wait_for(*(self.plain[m] for m in markers))
                return
            self.wait_for(*markers)
        except AssertionError:  # what reached the terminal says more than what did not
            assert unsafe(bytes(self.seen), allow_cr=True) == [], f"after {keys!r}"
            raise
        for m in markers:  # how each marker looks on a screen in front
            style = re.search(rb"(\x1b\[[0-9;]*m)[^\x1b]*" + re.escape(m), self.seen)
            if m not in self.plain and style:
                self.plain[m] = re.compile(re.escape(style.group(1)) + rb"[^\x1b]*" + re.escape(m))

    def close(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        os.close(self.fd)


ESC = "\x1b"
REVIEW, TEAM, CLIENTS = b"to review", b"active clients", b"sorted by name"  # not in the header:
# the header looks the same behind a dialog
#: (keys, what they bring on screen): every screen, every tab, the dialogs that show
#: stored text, and the toasts that name people.
STEPS: list[tuple[str, tuple[bytes, ...]]] = [
    ("?", (b"esc or ? closes",)), (ESC, (REVIEW,)),
    ("l", (b"Note (optional)", SHOWN)), (ESC, (REVIEW,)),
    ("s", (b"Snooze " + MID, SHOWN)), (ESC, (REVIEW,)),
    # Team: the toasts that once printed a name raw (OSC 52 reached the clipboard)
    ("t", (b"Team " + MID, TEAM, SHOWN)),
    ("u", (b"Aaron Nobody covers no", SHOWN)),
    ("a", (b"would cover", SHOWN)), (ESC, (TEAM,)),
    ("j", (b"Abby Everyone",)),
    ("a", (b"Abby Everyone already", SHOWN)),
    ("u", (b"Take", SHOWN)), (ESC, (TEAM,)),
    ("e", (b"Name *", SHOWN)), (ESC, (TEAM,)),
    ("n", (b"New team member",)), (ESC, (TEAM,)),
    # Clients, then one client with a pending change request, tab by tab
    ("c", (b"Clients " + MID, CLIENTS, SHOWN)),
    ("e", (b"Name *", SHOWN)), (ESC, (CLIENTS,)),
    ("o", (b"Status", SHOWN)),
    ("2", (b"Success metric", SHOWN)),
    ("3", (b"Asked", SHOWN)),
    ("d", (b"Expand scope or stay focused?", SHOWN)), (ESC, (b"Asked",)),
    ("n", (b"What they asked for", SHOWN)), (ESC, (b"Asked",)),
    ("w", (b"Write a document for", SHOWN)), ("1", (b"Kickoff", SHOWN)), (ESC, (b"Asked",)),
    ("4", (b"entries", SHOWN)),
    ("\r", (b"Correct:", SHOWN)), (ESC, (b"entries",)),
    ("L", (b"Notes", SHOWN)), (ESC, (b"entries",)),
    ("N", (b"Score (0-10)", SHOWN)), (ESC, (b"entries",)),
    ("B", (b"Budget before", SHOWN)), (ESC, (b"entries",)),
    ("A", (b"Granted to", SHOWN)), (ESC, (b"entries",)),
    ("C", (b"New main contact", SHOWN)), (ESC, (b"entries",)),
    ("T", (b"Activity or test", SHOWN)), (ESC, (b"entries",)),
    ("5", (b"Deadline",)),
    ("6", (b"Sev",)),
    ("7", (b"every client starts at 100",)),
    ("8", (b"old -> new",)),
    ("1", (b"Status", SHOWN)),
    ("e", (b"Main contact", SHOWN)), (ESC, (b"Status",)),
    ("X", (b"Archive or delete", SHOWN)), (ESC, (b"Status",)),
    # the palette: "log: email ... with <client>"
    ("\x10", (b"earch for commands",)), ("email", (SHOWN,)), (ESC, (b"Status",)),
]


def test_every_screen_and_dialog_shows_hostile_text_as_text(tmp_path):
    db = hostile_file(tmp_path / "agency.json")
    t = Terminal(db, tmp_path / "home")
    try:
        t.press("", REVIEW, SHOWN)  # the first frame
        for keys, markers in STEPS:
            t.press(keys, *markers)
    finally:
        t.close()
    found = unsafe(bytes(t.everything), allow_cr=True)
    assert found == []
    assert t.everything.count(SHOWN) > 100  # the hostile text was on screen throughout
