"""When a screen may touch its widgets: only while it shows them.

A key burst, a background refresh, a timer or a worker's result can reach a screen before
its widgets are composed (it was just pushed), after they are gone (it was popped, or its
worker finished late) or while the app is closing (``q`` and another key in one burst):
a query then raises ``NoMatches`` and the app stops. Every screen of the app derives from
:class:`Shown`; whatever can arrive at such a moment runs through :func:`while_shown`
(``AgencyScreen.redraw``, worker results, mount handlers) and the app runs a screen's
actions only while it is shown (``ScopekeeperApp.run_action``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any, ParamSpec, TypeVar

from textual import events
from textual.dom import DOMNode, NoScreen
from textual.screen import Screen
from textual.widget import Widget

P = ParamSpec("P")
R = TypeVar("R")


class Shown:
    """Mixed into a :class:`Screen`: knows whether its composed widgets are in place."""

    _widgets_in_place = False

    async def mount_composed_widgets(self, widgets: list[Widget]) -> None:
        await super().mount_composed_widgets(widgets)  # type: ignore[misc]
        self._widgets_in_place = True

    def on_unmount(self) -> None:
        self._widgets_in_place = False

    def forget_widgets(self) -> None:
        """The screen is leaving (popped or dismissed): nothing may touch it from now on."""
        self._widgets_in_place = False


def is_shown(node: object) -> bool:
    """Whether ``node`` (a screen) may touch its widgets: they are composed and mounted, not
    removed, the screen is not leaving and the app is not closing (a closing app composes
    nothing; Textual's ``is_attached`` is then False)."""
    if not isinstance(node, Screen) or not isinstance(node, Shown):
        return True  # the app itself, a widget, or a screen that is not ours (Textual's own)
    return bool(node._widgets_in_place and node.is_attached
                and not getattr(node.app, "closing", False))


def while_shown(method: Callable[P, R]) -> Callable[P, R | None]:
    """Run the screen's ``method`` only while the screen is shown (:func:`is_shown`); else
    do nothing (a method of a screen: its first argument is the screen)."""

    @functools.wraps(method)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> R | None:
        if not is_shown(args[0]):
            return None
        return method(*args, **kwargs)

    return guarded


class ClosesCleanly:
    """Mixed into the :class:`App`: once it is closing (``q``, a hang-up, a crash) no key,
    click or action is acted on, and a screen's actions run only while it is shown."""

    closing = False

    def exit(self, *args: Any, **kwargs: Any) -> None:
        self.closing = True
        super().exit(*args, **kwargs)  # type: ignore[misc]

    async def on_event(self, event: events.Event) -> None:
        if self.closing and isinstance(event, events.InputEvent):
            return  # the rest of a burst that began with "q": nothing more is done
        await super().on_event(event)  # type: ignore[misc]

    async def run_action(self, action: Any, default_namespace: DOMNode | None = None,
                         namespaces: Mapping[str, DOMNode] | None = None) -> bool:
        if self.closing or not _shown_for(default_namespace):
            return False
        return await super().run_action(action, default_namespace, namespaces)  # type: ignore[misc, no-any-return]

    def pop_screen(self) -> Any:
        leaving = self.screen  # type: ignore[attr-defined]
        if isinstance(leaving, Shown):
            leaving.forget_widgets()  # a key already on its way to it is not acted on
        return super().pop_screen()  # type: ignore[misc]


def _shown_for(node: DOMNode | None) -> bool:
    """Whether the screen ``node`` is on (or is) is shown; True for the app."""
    if node is None or isinstance(node, Screen):
        return is_shown(node)
    if not isinstance(node, Widget):
        return True
    try:
        return is_shown(node.screen)
    except NoScreen:
        return False  # a widget no longer on any screen
