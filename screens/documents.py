"""Documents: choose one for a client, preview it, then copy it, save it, edit it or mark it
sent (which keeps the text with the change request, or logs the call summary).

The template engine and the output writers (storage.templates, storage.outputs,
storage.store_files) are imported where first used: this module is imported with the key
catalogue for any dialog's hint, which needs none of them (8-12 ms and 28-30 ms, measured).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from screens.context import Context, context_of
from screens.editor import edit_in_editor
from screens.fields import Field, Values
from screens.forms import FormScreen
from screens.keybar import KeyBar
from screens.lifecycle import Shown, while_shown
from screens.notices import tell
from storage.errors import StorageError
from storage.paths import expand_user
from tracker.documents import DOCUMENTS, DocumentError
from tracker.errors import ValidationError
from tracker.text import clean_line

if TYPE_CHECKING:
    from storage.templates import Rendered, RenderJob


class DocumentMenu(Shown, ModalScreen[str | None]):
    """Which document to write for a client."""

    CSS_PATH = "documents.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="documents.cancel"),
    ]

    def __init__(self, client_name: str) -> None:
        super().__init__()
        self.client_name = client_name

    def compose(self) -> ComposeResult:
        with Vertical(id="document-menu"):
            yield Static(Text.assemble("Write a document for ",
                                       (clean_line(self.client_name), "bold")))
            yield OptionList(*[Option(Text(f"{n + 1}  {d.title}"), id=d.name)
                               for n, d in enumerate(DOCUMENTS.values())], id="document-list")

    def on_mount(self) -> None:
        self._look_at_templates()

    @work(thread=True, exclusive=True, group="document-menu")
    def _look_at_templates(self) -> None:
        """The agency's templates that would be refused, and why (nothing is opened)."""
        from storage.templates import TemplateError, available

        try:
            found = available(context_of(self.app).templates)
        except TemplateError:
            return  # the document screen says what is wrong with the directory
        refused = {name: t.problem for name, t in found.items() if t.problem}
        if refused:
            self.app.call_from_thread(self._mark_refused, refused)

    @while_shown
    def _mark_refused(self, refused: dict[str, str]) -> None:
        menu = self.query_one("#document-list", OptionList)
        for n, (name, doc) in enumerate(DOCUMENTS.items()):
            if name in refused:
                menu.replace_option_prompt(name, Text.assemble(
                    f"{n + 1}  {doc.title}\n", (f"   agency's template refused: "
                                                f"{clean_line(refused[name])}", "dim")))

    def on_key(self, event: Any) -> None:
        if event.character and event.character.isdigit():
            index = int(event.character) - 1
            if 0 <= index < len(DOCUMENTS):
                event.stop()
                self.dismiss(list(DOCUMENTS)[index])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class DocumentScreen(Shown, Screen[None]):
    """One document, rendered from its template, ready to send."""

    CSS_PATH = "documents.tcss"
    AUTO_FOCUS = "#document-scroll"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,backspace", "app.pop_screen", "Back", id="document.back"),
        Binding("y", "copy", "Copy", id="document.copy"),
        Binding("w", "write", "Save to file", id="document.write"),
        Binding("e", "edit", "Edit", id="document.edit"),
        Binding("s", "sent", "Mark sent", id="document.sent"),
        Binding("b", "builtin", "Use built-in", id="document.builtin"),
        Binding("j", "scroll('down')", "Down", show=False, id="document.down"),
        Binding("k", "scroll('up')", "Up", show=False, id="document.up"),
    ]

    def __init__(self, client_id: str, name: str, *, request_id: str | None = None,
                 call_id: str | None = None, month: date | None = None) -> None:
        super().__init__()
        self.client_id = client_id
        self.doc = DOCUMENTS[name]
        self.request_id = request_id
        self.call_id = call_id
        self.month = month
        self.rendered: Rendered | None = None
        self.render_job: RenderJob | None = None  # the rendering under way, if any
        self.text = ""
        self.failed = False
        self.edited = False
        self.sent = ""  # the text last marked sent from here

    @property
    def context(self) -> Context:
        return context_of(self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text(self.doc.title, style="bold"), id="document-title")
        with VerticalScroll(id="document-scroll"):
            yield Static(id="document-body")
        yield KeyBar()

    @while_shown
    def on_mount(self) -> None:
        self.sub_title = self.doc.title
        self._start(builtin_only=False)

    def on_unmount(self) -> None:
        """Going back or quitting never waits for a template: its worker is killed."""
        if self.render_job is not None:
            self.render_job.cancel()

    def _start(self, builtin_only: bool) -> None:
        from storage.templates import RenderJob

        if self.render_job is not None:
            self.render_job.cancel()
        self.render_job = job = RenderJob()
        self.query_one("#document-body", Static).update(Text.assemble(
            ("Writing…", "italic"),
            f"  ({context_of(self.app).keys.label('document.back')} cancels)"))
        self._produce(builtin_only, job)

    @work(thread=True, exclusive=True, group="document")
    def _produce(self, builtin_only: bool, job: RenderJob) -> None:
        from storage.templates import TemplateDirError, TemplateError

        app = self.context
        ws = app.workspace
        try:
            client = ws.store.clients.get(self.client_id)
            done = ws.document(self.doc.name, client, ws.sender(app.agency_name),
                               templates=app.templates, builtin_only=builtin_only,
                               request_id=self.request_id, call_id=self.call_id,
                               month=self.month, job=job)
        except (StorageError, DocumentError) as e:
            if not job.cancelled:
                self.app.call_from_thread(self._failed, job, str(e),
                                     isinstance(e, TemplateError) and not builtin_only,
                                     isinstance(e, TemplateDirError))
            return
        if not job.cancelled:
            self.app.call_from_thread(self._show, job, done)

    @while_shown
    def _show(self, job: RenderJob, done: Rendered) -> None:
        if job is not self.render_job or job.cancelled:
            return  # cancelled, or another rendering was started
        self.render_job = None
        self.rendered, self.text, self.failed, self.edited = done, done.text, False, False
        source = "built-in template" if done.template.builtin else str(done.template.path)
        self.query_one("#document-title", Static).update(Text.assemble(
            (self.doc.title, "bold"), (f" · {clean_line(source)}", "dim")))
        self.query_one("#document-body", Static).update(Text(self.text))
        self.refresh_bindings()

    @while_shown
    def _failed(self, job: RenderJob, message: str, template: bool, folder: bool) -> None:
        """``template``: the agency's template is at fault (the built-in one may do);
        ``folder``: their templates directory cannot be read (also said in a notification)."""
        if job is not self.render_job or job.cancelled:
            return
        self.render_job = None
        self.failed = True
        body = Text(clean_line(message), style="bold red")
        if template:
            key = context_of(self.app).keys.label('document.builtin')
            body.append(f"\n\nPress {key} to use the built-in template instead.", style="")
        if folder:
            tell(self.app, message, title="The agency's templates", severity="error",
                 timeout=15)
        self.query_one("#document-body", Static).update(body)
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("copy", "write", "edit"):
            return bool(self.text) or None
        if action == "sent":
            return bool(self.doc.records_on) and bool(self.text)
        if action == "builtin":
            return self.failed
        return True

    def action_scroll(self, where: str) -> None:
        scroll = self.query_one("#document-scroll", VerticalScroll)
        if where == "down":
            scroll.scroll_down()
        else:
            scroll.scroll_up()

    def action_builtin(self) -> None:
        self._start(builtin_only=True)

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.text)
        tell(self.app, f"Copied {len(self.text):,} characters (through the terminal: it must "
             "allow clipboard access, OSC 52).")

    def action_edit(self) -> None:
        new = edit_in_editor(self.app, self.text, self.context.editor)
        if new is not None and new != self.text.rstrip("\n"):
            self.text, self.edited = new + "\n", True
            self.query_one("#document-body", Static).update(Text(self.text))
            tell(self.app, "Edited text kept for copying, saving or marking sent.")

    def action_write(self) -> None:
        client = clean_line(self.rendered.model["client"]["name"]) if self.rendered else "client"
        slug = "-".join("".join(ch if ch.isalnum() else " " for ch in client).lower().split())
        folder = self.context.home or Path.cwd()
        default = folder / f"{slug}-{self.doc.name}-{self.context.snapshot.today}.md"
        fields = [Field("path", "Save to", value=str(default), required=True)]
        readers = ("you and the data's group" if self.context.workspace.store.privacy.shared
                   else "you only")
        intro = Text(f"A file name alone goes in {clean_line(str(folder))} (your home); the "
                     f"file is readable by {readers}.")

        def where(text: str) -> Path:
            target = expand_user(text, folder)
            return target if target.is_absolute() else folder / target

        def check(v: Values) -> dict[str, str]:
            """Said in the form, so that what was typed is not lost to a refusal."""
            from storage.outputs import output_problem
            from storage.store_files import store_file_at

            try:
                target = where(v.text("path"))
            except ValidationError as e:
                return {"path": clean_line(e.message)}
            store = store_file_at(target, self.context.workspace.data_file)
            problem = (f"it is {store}: choose another file name" if store
                       else output_problem(target))
            return {"path": clean_line(problem)} if problem else {}

        self.app.push_screen(FormScreen(f"Save {self.doc.title}", fields,
                                        self.context.snapshot.today, submit="Save", intro=intro,
                                        check=check),
                             lambda v: self._write(where(v.text("path"))) if v else None)

    def _write(self, path: Path, replace: bool = False) -> None:
        from storage.outputs import replaces, write_output
        from storage.store_files import refuse_store_file

        try:
            # never onto the data file, its journal, its backups... (before asking to replace)
            refuse_store_file(path, self.context.workspace.data_file)
        except StorageError as e:
            tell(self.app, clean_line(str(e)), title="Not saved", severity="error")
            return
        if replaces(path) and not replace:
            self.app.push_screen(
                FormScreen(f"{clean_line(str(path))} exists. Replace it?", [],
                           self.context.snapshot.today, submit="Replace"),
                lambda v: self._write(path, replace=True) if v is not None else None)
            return
        try:
            write_output(path, self.text.encode("utf-8"), self.context.workspace.store.privacy)
        except StorageError as e:  # one line saying what to do (the text stays on screen)
            tell(self.app, clean_line(str(e)), title="Not saved", severity="error", timeout=10)
            return
        tell(self.app, f"Saved to {clean_line(str(path))}.")

    def action_sent(self) -> None:
        if self.sent == self.text:
            tell(self, "Already marked sent.")
            return  # a repeated s changes nothing (the workspace checks too)
        app, model = self.context, self.rendered.model if self.rendered else {}
        done: object = None
        if self.doc.records_on == "request" and "request" in model:
            request_id = model["request"]["id"]

            def keep() -> object:
                cr = app.workspace.store.change_requests.get(request_id)
                return app.act.keep_document(cr, self.doc.name, self.text)

            done = app.attempt(keep, f"{self.doc.title} kept with the request, dated today.")
        elif self.doc.records_on == "call":
            def log() -> object:
                client = app.workspace.store.clients.get(self.client_id)
                return app.act.summary_sent(client, self.text)

            done = app.attempt(log, "Call summary logged as sent.")
        if done is not None:
            self.sent = self.text
