"""The client screen's keys: each action's key and id, the tabs on which it works, and the
main actions the key bar shows on each tab (what the actions do is the screen's)."""

from __future__ import annotations

from textual.binding import Binding, BindingType

from screens.client.tab import TABS

# One key, one action on every tab: a key that only makes sense on some tabs is
# switched off (and left out of the key bar) on the others, never given another meaning.
BINDINGS: list[BindingType] = [
    Binding("escape,backspace", "app.pop_screen", "Back", id="client.back"),
    Binding("n", "add", "New", id="client.add"),
    Binding("e", "edit", "Edit", id="client.edit"),
    Binding("a", "acknowledge", "Acknowledge", id="client.acknowledge"),
    Binding("x", "resolve", "Resolve", id="client.resolve"),
    Binding("d", "decide", "Decide", id="client.decide"),
    Binding("f", "complete", "Finish", id="client.complete"),
    Binding("D", "drop", "Drop", id="client.drop"),
    Binding("L", "log", "Log", id="client.log"),
    Binding("N", "nps", "NPS", id="client.nps"),
    Binding("m", "more", "More", id="client.more"),
    Binding("w", "documents", "Write", id="client.documents"),
    Binding("T", "activity", "Activity/test", show=False, id="client.activity"),
    Binding("B", "budget", "Budget", show=False, id="client.budget"),
    Binding("A", "access", "Access grant", show=False, id="client.access"),
    Binding("C", "contact", "Contact change", show=False, id="client.contact"),
    Binding("X", "archive", "Archive", show=False, id="client.archive"),
    *[Binding(str(n + 1), f"tab('{t}')", t.title(), show=False, id=f"client.tab{n + 1}")
      for n, t in enumerate(TABS)],
]
#: The tabs on which an action works (an action not named here works on every tab).
ACTIONS_BY_TAB: dict[str, tuple[str, ...]] = {
    "edit": ("overview", "scope", "cadence"),
    "add": ("scope", "requests"),
    "acknowledge": ("signs",),
    "resolve": ("signs",),
    "decide": ("requests",),
    "complete": ("scope",),
    "drop": ("scope",),
    "more": ("timeline",),
}
#: The key bar's main actions on each tab (Back is always there; ? lists the rest).
BAR_BY_TAB: dict[str, tuple[str, ...]] = {
    "overview": ("edit", "log", "documents"),
    "scope": ("add", "edit", "complete", "drop"),
    "requests": ("add", "decide", "documents"),
    "timeline": ("log", "nps", "more", "documents"),
    "cadence": ("edit", "log", "documents"),
    "signs": ("acknowledge", "resolve", "documents"),
    "health": ("log", "nps", "documents"),
    "history": ("log", "documents"),
}
