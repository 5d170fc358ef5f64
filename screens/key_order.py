"""Keys handed out one at a time, each once the one before it has been handled.

Textual gives each key to the widget focused when the app reads it. Keys that arrive
together (a paste, a fast typist over a laggy SSH link: one read) are therefore all given
to the same widget, before the first of them — a Tab, or the ``n`` that opens a form — has
moved the focus: ``D<Tab><Tab><Tab>6`` typed ``D6`` into the first field, and the name
typed right after ``n`` went to the list under the new form (see
docs/upstream/textual-focus-burst.md).

:class:`KeysInOrder` holds the next key until the one before it has gone all the way: through
the widget it was given to and each container up to the screen, then through the app
(which runs the bindings), twice, so that a focus asked for by the binding (``focus()`` is
itself queued on the app) is in place. A screen being opened gets its key once it is mounted
(its ``on_mount`` sets the focus). A key never waits longer than :data:`MOST_WAIT`.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, Any

from textual import events

if TYPE_CHECKING:
    from textual.app import App
    from textual.message_pump import MessagePump

    _Base = App[Any]
else:
    _Base = object

#: Seconds after which a key is handed out even if the one before it is still going
#: (a handler waiting on something long must not leave the keyboard dead).
MOST_WAIT = 0.5


class KeysInOrder(_Base):
    """Mixed into the App, before :class:`textual.app.App`."""

    _held_keys: deque[events.Key]
    _opening_key: events.Key | None = None  # waiting for its screen to be mounted
    _key_turn = 0  # the key being handled; 0: none
    _turns = 0

    def _keys(self) -> deque[events.Key]:
        if not hasattr(self, "_held_keys"):
            self._held_keys = deque()
        return self._held_keys

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            held = self._keys()
            if self._key_turn or held:
                held.append(event)
            else:
                await self._hand_out(self._take_turn(), event)
            return
        await super().on_event(event)

    def _take_turn(self) -> int:
        self._turns += 1
        self._key_turn = self._turns
        return self._turns

    async def _hand_out(self, turn: int, key: events.Key) -> None:
        screen = self.screen
        if self.focused is None and not screen.is_mounted:
            # a screen being opened: its key once it has mounted (and focused a field)
            self._opening_key = key
            self.set_timer(MOST_WAIT, lambda: self._opened(turn))
            if screen.call_later(self.call_later, self._opened, turn):
                return
        await self._dispatch(turn, key)

    async def _opened(self, turn: int) -> None:
        key = self._opening_key
        if key is not None and turn == self._key_turn:  # not let go by the other way yet
            self._opening_key = None
            await self._dispatch(turn, key)

    async def _dispatch(self, turn: int, key: events.Key) -> None:
        target: Any = self.focused or self.screen
        await super().on_event(key)
        self.set_timer(MOST_WAIT, lambda: self._done(turn))
        hops: list[MessagePump] = []
        while target is not None and target is not self:
            hops.append(target)
            target = target.parent
        self._follow([*hops, self, self], turn)

    def _follow(self, hops: list[MessagePump], turn: int) -> None:
        """Each of ``hops`` in turn has handled what was queued to it before now."""
        while hops:
            head, *rest = hops
            if head.call_later(self._follow, rest, turn):
                return
            hops = rest  # closed (removed, or the app is ending): nothing to wait for there
        self._done(turn)

    def _done(self, turn: int) -> None:
        if turn != self._key_turn:
            return  # that key was already let go
        held = self._keys()
        if held:
            self.call_later(self._hand_out, self._take_turn(), held.popleft())
        else:
            self._key_turn = 0
