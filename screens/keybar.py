"""The key hints along the bottom of every agency screen, drawn as one widget.

Textual's ``Footer`` mounts a widget per key and rebuilds them all whenever the enabled
bindings change: 15–25 ms for the Review screen's ten keys, several times while the app
starts and again whenever the cursor moves onto an item with other actions. This draws
the same line (enabled keys bright, disabled ones dim, the palette key on the right) as
one piece of text in well under a millisecond. A click on a key presses it. When the line
is too long it tightens, then leaves out the screen switches (``?`` lists every key).
"""

from __future__ import annotations

from typing import ClassVar, NamedTuple

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.widget import Widget


class Hint(NamedTuple):
    start: int
    end: int
    key: str
    enabled: bool
    binding: Binding  # what the hint shows (its id and action: what the key runs)


class KeyBar(Widget, can_focus=False):
    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {"keybar--key", "keybar--description", "keybar--disabled"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        width: 1fr;
        color: $footer-foreground;
        background: $footer-background;
        & > .keybar--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .keybar--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        & > .keybar--disabled {
            text-style: dim;
        }
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self._hints: list[Hint] = []

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, _screen: object) -> None:
        self.refresh()

    def _shown(self) -> tuple[list[tuple[Binding, bool]], tuple[Binding, bool] | None]:
        """The bindings to show, one per action, and the command palette's (if any)."""
        palette_key = self.app.COMMAND_PALETTE_BINDING if self.app.ENABLE_COMMAND_PALETTE else ""
        seen: set[str] = set()
        shown: list[tuple[tuple[int, int], Binding, bool]] = []
        palette: tuple[Binding, bool] | None = None
        ranks: dict[int, int] = {}
        # a screen may choose which of its own keys are its main ones now (a tab's)
        in_bar = getattr(self.screen, "in_bar", None)
        for key, (node, binding, enabled, _tip) in self.screen.active_bindings.items():
            show = in_bar(binding) if node is self.screen and in_bar else binding.show
            if key == palette_key:
                palette = (binding, enabled)
            elif show and binding.action not in seen:
                seen.add(binding.action)
                # in the order declared: a keymap moves a binding to the end of Textual's map
                declared = [b.id for b in getattr(node, "BINDINGS", []) if isinstance(b, Binding)]
                order = declared.index(binding.id) if binding.id in declared else len(declared)
                shown.append(((ranks.setdefault(id(node), len(ranks)), order), binding, enabled))
        shown.sort(key=lambda entry: entry[0])
        return [(b, e) for _, b, e in shown], palette

    @property
    def hints(self) -> list[Hint]:
        """The keys drawn the last time, in order (what a person reads along the bottom)."""
        return list(self._hints)

    def render(self) -> Text:
        key_style = self.get_component_rich_style("keybar--key", partial=True)
        text_style = self.get_component_rich_style("keybar--description", partial=True)
        dim = self.get_component_rich_style("keybar--disabled", partial=True)
        shown, palette = self._shown()
        width = self.size.width
        line = Text(no_wrap=True, overflow="crop", end="")
        hints: list[Hint] = []

        def length(bindings: list[tuple[Binding, bool]], pad: int) -> int:
            """Columns the hints take, " k Label" each, 1 + pad spaces apart (the last
            one's trailing space may fall off the edge)."""
            return sum(len(self.app.get_key_display(b)) + len(b.description) + 2 + pad
                       for b, _ in bindings) - pad

        # " l Log it " per key; one space less each when that does not fit; then without
        # the screen switches (r, c, t: listed by ?), which every screen has
        pad = " " if length(shown, 1) <= width else ""
        if not pad and length(shown, 0) > width:
            shown = [(b, e) for b, e in shown if not b.action.startswith("show(")]

        def add(binding: Binding, enabled: bool) -> None:
            start = len(line)
            extra = Text()
            extra.append(f"{pad if start else ' '}{self.app.get_key_display(binding)} ",
                         style=key_style)
            extra.append(f"{binding.description} ", style=text_style)
            if not enabled:
                extra.stylize(dim)
            line.append_text(extra)
            hints.append(Hint(start, len(line), binding.key, enabled, binding))

        for binding, enabled in shown:
            add(binding, enabled)
        if palette is not None:
            binding, enabled = palette
            label = f" {self.app.get_key_display(binding)} {binding.description} "
            gap = width - len(line) - len(label) - 1
            if gap >= 1:
                line.append(" " * gap + "▏", style=text_style)
                add(binding, enabled)
        self._hints = hints
        return line

    def on_click(self, event: events.Click) -> None:
        hint = next((h for h in self._hints if h.start <= event.x < h.end), None)
        if hint is None:
            return
        event.stop()
        if hint.enabled:
            self.app.simulate_key(hint.key.split(",")[0])
        else:
            self.app.bell()
