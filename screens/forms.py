"""One form modal for every record: inline validation, nothing returned until all is valid.

Each field says what it understood (a typed date shows the day it read) or what is wrong,
next to the field. Esc cancels; ctrl+s (or Enter on the last field) saves; ctrl+e opens a
note in ``$EDITOR``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Label, Select, Static, TextArea

from screens.confirm import DiscardScreen
from screens.context import context_of
from screens.editor import edit_in_editor
from screens.fields import Field, FieldError, Values, parse, placeholder
from screens.lifecycle import Shown, while_shown
from screens.notices import tell
from storage import drafts
from storage.errors import StorageError
from tracker.money import (
    ISO_CODES,
)
from tracker.text import clean_line, clean_text


class TickBox(Checkbox):
    """A checkbox that shows its state by a character, not by colour alone: with NO_COLOR
    or 16 colours Textual's box shows the same X whether ticked or not."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.BUTTON_INNER = "X" if self.value else " "

    def watch_value(self) -> None:
        self.BUTTON_INNER = "X" if self.value else " "
        super().watch_value()


class FormScreen(Shown, ModalScreen[Values | None]):
    """A modal form; dismisses with ``{name: parsed value}`` or ``None`` when cancelled."""

    CSS_PATH = "forms.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
        Binding("ctrl+s", "submit", "Save", id="form.save"),
        # priority: the Notes box (a TextArea) binds ctrl+e itself (end of line) and, having
        # the focus, would otherwise take it first; switched off in forms without a note
        Binding("ctrl+e", "editor", "Edit in $EDITOR", id="form.editor", priority=True),
        # priority: Enter in a field moves on at once, before the keys typed after it are
        # handed out (a burst); the Input's own Enter would move only once it had its turn
        Binding("enter", "next_field", "Next field", show=False, priority=True,
                id="form.next"),
    ]

    def __init__(self, title: str, fields: Sequence[Field], today: date,
                 submit: str = "Save", intro: Text | None = None,
                 check: Callable[[Values], dict[str, str]] | None = None,
                 preview: Callable[[Values], Text] | None = None,
                 enter_submits: bool = False) -> None:
        super().__init__()
        self.form_title = title
        self.fields = list(fields)
        self.today = today
        self.submit_label = submit
        self.intro = intro
        self.check = check  # cross-field rules: {field: message}
        self.preview = preview  # a live summary of what saving would do
        self.enter_submits = enter_submits

    def compose(self) -> ComposeResult:
        # a note says which key writes it in the editor (the person's key, if remapped)
        key = context_of(self.app).keys.label("form.editor")
        self.fields = [replace(f, hint=f"{key}: write it in $EDITOR")
                       if f.kind == "note" and not f.hint else f for f in self.fields]
        with Vertical(id="form-box"):
            yield Static(Text(clean_line(self.form_title), style="bold"), id="form-title")
            if self.intro is not None:
                yield Static(self.intro, id="form-intro")
            if self.preview is not None:
                yield Static(id="form-preview")
            with VerticalScroll(id="form-fields"):
                for f in self.fields:
                    yield Label(Text(clean_line(f.label) + (" *" if f.required else "")),
                                classes="form-label")
                    yield self._widget(f)
                    # a checkbox says its hint itself: not twice
                    yield Static(Text("" if f.kind == "bool" else f.hint, style="dim"),
                                 id=f"msg-{f.name}",
                                 classes="form-msg")
            with Horizontal(id="form-buttons"):
                yield Button(self.submit_label, variant="primary", id="form-submit",
                             compact=True)
                yield Button("Cancel", id="form-cancel", compact=True)

    def _widget(self, f: Field) -> Widget:
        """The field's widget, filled in with its value made safe: stored text is shown,
        never sent to the terminal (an ESC in a note once cleared the screen)."""
        wid = f"field-{f.name}"
        if f.kind == "choice":
            return Select([(Text(clean_line(label)), value) for label, value in f.choices],
                          value=f.value or f.choices[0][1], allow_blank=False, id=wid,
                          compact=True, type_to_search=True)
        if f.kind == "bool":
            return TickBox(Text(clean_line(f.hint or f.label)), value=bool(f.value), id=wid,
                           compact=True)
        if f.kind == "note":
            return TextArea(clean_text(f.value), id=wid, soft_wrap=True,
                            show_line_numbers=False, classes="form-note", compact=True)
        # a field filled in is typed on at its end, not replaced by the first key
        return Input(clean_line(f.value), id=wid, placeholder=placeholder(f), compact=True,
                     select_on_focus=False)

    @while_shown
    def on_mount(self) -> None:
        fields = self.query("Input, Select, TextArea, Checkbox")
        # now, not queued: the first key typed as the form opens goes to its first field
        self.set_focus(fields.first() if fields else self.query_one("#form-submit"),
                       scroll_visible=False)  # it is at the top: no scrolling before layout
        self._initial = self.raw_values()
        self._restore_draft()
        for area in self.query(TextArea):  # typing goes after any text already there
            area.move_cursor(area.document.end)
        self._preview()

    # ---------------------------------------------------------------- drafts

    def raw_values(self) -> dict[str, object]:
        """What is typed in each field, as typed."""
        return {f.name: self.raw(f) for f in self.fields}

    def dirty(self) -> bool:
        return bool(self.fields) and self.raw_values() != getattr(self, "_initial", {})

    def _draft_place(self) -> tuple[Path, str] | None:
        folder = getattr(self.app, "drafts", None)
        return (folder, getattr(self.app, "data_file", "")) if folder and self.fields else None

    def _restore_draft(self) -> None:
        place = self._draft_place()
        kept = drafts.load(*place, self.form_title) if place else None
        if kept is None:
            return
        for f in self.fields:
            if f.name in kept.values:
                self._fill(f, kept.values[f.name])
        tell(self, f"Restored what you had typed on {kept.saved} (the connection dropped).",
             title="Draft")

    def _fill(self, f: Field, value: object) -> None:
        w = self.query_one(f"#field-{f.name}")
        if isinstance(w, Input) and isinstance(value, str):
            w.value = clean_line(value)
        elif isinstance(w, TextArea) and isinstance(value, str):
            w.load_text(clean_text(value))
        elif (isinstance(w, Checkbox) and isinstance(value, bool)) or (isinstance(w, Select) and isinstance(value, str) and value in {
                v for _, v in f.choices}):
            w.value = value

    def keep_draft(self, now: datetime) -> None:
        """The app is being closed under the person (hang-up): keep what they typed (what
        they sent, once the form is closed and its save waits in the conflict dialog)."""
        sent: tuple[tuple[Path, str] | None, dict[str, object], dict[str, object]] | None = \
            getattr(self, "_sent", None)
        place, typed, kept = sent or (self._draft_place(), self.raw_values(),
                                      self.kept_values())
        if place and typed != getattr(self, "_initial", {}):
            values = {k: v for k, v in kept.items() if isinstance(v, str | bool)}
            drafts.save(place[0], place[1], self.form_title, values, now)

    def kept_values(self) -> dict[str, object]:
        """What a draft keeps of each field (see :meth:`_kept`)."""
        return {f.name: self._kept(f) for f in self.fields}

    def _kept(self, f: Field) -> object:
        """What a draft keeps of ``f``: as typed, but a date as the day it meant ("today"
        typed on the 23rd is the 23rd when the draft comes back on the 26th)."""
        raw = self.raw(f)
        if f.kind == "date" and isinstance(raw, str):
            try:
                day, _ = parse(f, raw, self.today)
            except FieldError:
                return raw  # not a day yet: kept as typed, to be corrected
            return day.isoformat() if isinstance(day, date) else raw
        return raw

    def _forget_draft(self) -> None:
        place = self._draft_place()
        if place:
            with contextlib.suppress(StorageError):
                drafts.discard(*place, self.form_title)

    def _preview(self) -> None:
        if self.preview is None:
            return
        values = Values()
        for f in self.fields:
            try:
                values[f.name] = (self.raw(f) if f.kind in ("choice", "bool")
                                  else parse(self._resolved(f), self.typed(f), self.today)[0])
            except FieldError:
                values[f.name] = None
        self.query_one("#form-preview", Static).update(self.preview(values))

    def raw(self, f: Field) -> object:
        w = self.query_one(f"#field-{f.name}")
        if isinstance(w, Input):
            return w.value
        if isinstance(w, TextArea):
            return w.text
        if isinstance(w, Checkbox):
            return w.value
        if isinstance(w, Select):
            return w.value
        return None

    def typed(self, f: Field) -> str:
        """What was typed into a text field (``""`` for a tick box or a choice)."""
        raw = self.raw(f)
        return raw if isinstance(raw, str) else ""

    def _resolved(self, f: Field) -> Field:
        """``f`` with the currency typed in its form's currency field, if it has one."""
        if f.kind != "money" or not f.currency_field:
            return f
        code = str(self.raw(next(c for c in self.fields if c.name == f.currency_field)))
        code = code.strip().upper()
        return replace(f, currency=code if code in ISO_CODES else "")

    def _check(self, f: Field) -> tuple[bool, object]:
        msg = self.query_one(f"#msg-{f.name}", Static)
        raw = self.raw(f)
        if f.kind in ("choice", "bool"):
            return True, raw
        try:
            value, understood = parse(self._resolved(f), self.typed(f), self.today)
        except FieldError as e:
            msg.update(Text(f"✗ {e}", style="bold red"))
            msg.add_class("-error")
            return False, None
        msg.remove_class("-error")
        msg.update(Text(understood or f.hint, style="dim"))
        return True, value

    def on_input_changed(self, event: Input.Changed) -> None:
        name = (event.input.id or "").removeprefix("field-")
        f = next((f for f in self.fields if f.name == name), None)
        if f is not None and (event.value.strip() or self.query_one(
                f"#msg-{f.name}", Static).has_class("-error")):
            self._check(f)
        for money in self.fields:  # an amount is read in the currency its form names
            if money.currency_field == name and str(self.raw(money)).strip():
                self._check(money)
        self._preview()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        inputs = [w for w in self.query("#form-fields > *") if w.can_focus]
        if self._enter_submits(event.input, inputs):
            self.action_submit()
        else:
            self.focus_next()

    def _enter_submits(self, field: Input, inputs: list[Widget]) -> bool:
        return self.enter_submits or field is inputs[-1]

    def action_next_field(self) -> None:
        """Enter in a field that is not the last: the next field, at once."""
        field = self.focused
        inputs = [w for w in self.query("#form-fields > *") if w.can_focus]
        if not isinstance(field, Input) or field not in inputs \
                or self._enter_submits(field, inputs):
            raise SkipAction  # the widget's own Enter: submit, toggle, press, open
        self.focus_next()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "form-submit":
            self.action_submit()
        else:
            self.action_cancel()

    def action_submit(self) -> None:
        if getattr(self, "_submitted", False):
            return  # a second ctrl+s (or Enter) before the form closed: saved once
        values = Values()
        bad: list[Field] = []
        for f in self.fields:
            ok, value = self._check(f)
            if ok:
                values[f.name] = value
            else:
                bad.append(f)
        if not bad and self.check is not None:
            for name, message in self.check(values).items():
                self.query_one(f"#msg-{name}", Static).update(Text(f"✗ {message}",
                                                                    style="bold red"))
                bad.append(next(f for f in self.fields if f.name == name))
        if bad:
            self.query_one(f"#field-{bad[0].name}").focus()
            return
        self._forget_draft()
        self._submitted = True
        # a draft again if the save clashes
        self._sent = (self._draft_place(), self.raw_values(), self.kept_values())
        with contextlib.suppress(LookupError):  # a form shown by another app (a test's)
            context_of(self.app).last_form = self
        self.dismiss(values)

    def action_cancel(self) -> None:
        """Escape: leave the form; if anything was typed, only after asking."""
        if not self.dirty():
            self._forget_draft()
            self.dismiss(None)
            return
        def answered(discard: bool | None) -> None:
            if discard:
                self._forget_draft()
                self.dismiss(None)

        self.app.push_screen(DiscardScreen(self.form_title), answered)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # without a note, ctrl+e is left to the text field (end of line)
        return bool(self.query(TextArea)) if action == "editor" else True

    def action_editor(self) -> None:
        """Edit the focused note (or the first one) in $EDITOR; the app suspends meanwhile."""
        notes = [w for w in self.query(TextArea)]
        if not notes:
            return
        area = self.focused if isinstance(self.focused, TextArea) else notes[0]
        edited = edit_in_editor(self.app, area.text, context_of(self.app).editor)
        if edited is not None:
            area.load_text(clean_text(edited))


