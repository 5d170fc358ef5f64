"""What a screen or dialog may ask of the app it runs in (:class:`Context`), and how it finds
it (:func:`context_of`).

Screens type against this protocol, not against the app: the app composes the screens (it
imports them), so none of them imports the app. Each member is one that screens need:

- ``snapshot``: what every screen draws (the agency as last read);
- ``workspace``: reads beyond the snapshot (thresholds, a client's history, documents, where
  the data file lives and who may read it);
- ``act``: the writes, each run through ``attempt``;
- ``attempt``: run one save, explain a refusal, put a clash to the person, then reload;
- ``last_form``: the form whose values are being saved, kept as a draft should the save clash
  or the terminal go;
- ``open_client``: the client detail screen, from any list, form or palette entry;
- ``push_screen``: forms and dialogs opened by a flow (Textual's own method);
- ``notify``: a toast from a flow (through :func:`screens.notices.tell`);
- ``keys``: key hints name the person's keys (their keymap applied);
- ``editor``, ``home``, ``templates``, ``agency_name``: the person's settings that notes and
  documents need.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar
from weakref import WeakKeyDictionary

from textual.screen import Screen

from screens.bindings import Keys
from screens.notices import Notifies
from storage.snapshot import Snapshot

if TYPE_CHECKING:
    # the storage engine is imported after the first frame (screens/app.py)
    from storage.actions import Actions
    from storage.workspace import Workspace

T = TypeVar("T")
R = TypeVar("R")


class Draft(Protocol):
    """A form that can be kept as a draft (:meth:`screens.forms.FormScreen.keep_draft`)."""

    def keep_draft(self, now: datetime) -> None: ...


class Context(Notifies, Protocol):
    """The running app as screens see it (see the module's docstring for each member)."""

    last_form: Draft | None

    @property
    def snapshot(self) -> Snapshot: ...

    @property
    def workspace(self) -> Workspace: ...

    @property
    def act(self) -> Actions: ...

    @property
    def keys(self) -> Keys: ...

    @property
    def editor(self) -> str: ...

    @property
    def home(self) -> Path | None: ...

    @property
    def templates(self) -> Path | None: ...

    @property
    def agency_name(self) -> str: ...

    def attempt(self, action: Callable[[], T], done: str = "") -> T | None: ...

    def open_client(self, client_id: str, tab: str = "overview") -> None: ...

    def push_screen(self, screen: Screen[R], callback: Callable[[R | None], None] | None = None,
                    ) -> object: ...


# The app enters itself when it is made; a screen finds it by its own ``self.app``. Weak: a
# finished app (tests make hundreds) is forgotten with it.
_running: WeakKeyDictionary[object, Context] = WeakKeyDictionary()


def enter(context: Context) -> None:
    """Make ``context`` (the app) findable by the screens it shows."""
    _running[context] = context


def context_of(app: object) -> Context:
    """The context of the app a screen runs in (``screen.app``)."""
    try:
        return _running[app]
    except KeyError:
        raise LookupError(f"{type(app).__name__} is not a scopekeeper app") from None
