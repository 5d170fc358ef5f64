"""Writing a note in the person's own editor ($VISUAL, else $EDITOR, else vi), in a file
only they can read, kept if the connection drops meanwhile."""

from __future__ import annotations

import shlex
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from textual.app import SuspendNotSupported

from screens.notices import tell
from storage.errors import StorageError
from tracker.text import clean_line


def edit_in_editor(app: Any, text: str, editor: str) -> str | None:
    """Open ``text`` in ``editor`` (the composition root's $VISUAL, else $EDITOR, else vi);
    None if the editor failed. The file is private to the person (see :func:`_scratch`);
    if the terminal is lost meanwhile, what the editor had saved is kept."""
    try:
        fd, name_ = tempfile.mkstemp(suffix=".md", dir=_scratch(app))  # 0600
    except (OSError, StorageError) as e:
        tell(app, clean_line(f"Could not make a file for the editor: {e}"), severity="error")
        return None
    path = Path(name_)
    with open(fd, "w", encoding="utf-8") as f:
        f.write(text if not text or text.endswith("\n") else text + "\n")  # a file, not a terminal
    name = clean_line(editor)
    life = getattr(app, "lifeline", None)
    try:
        with app.suspend():
            child = subprocess.Popen([*shlex.split(editor), str(path)])
            if life is not None:
                life.editor = child  # ended with the app should the terminal go
            try:
                code = child.wait()
            finally:
                if life is not None:
                    life.editor = None
        if life is not None and life.lost:  # the connection dropped: keep what it saved
            return path.read_text(encoding="utf-8").rstrip("\n")
        if code != 0:
            tell(app, f"{name} exited with {code}; note unchanged", severity="warning")
            return None
        return path.read_text(encoding="utf-8").rstrip("\n")
    except SuspendNotSupported:
        tell(app, "This terminal cannot hand the screen to an editor.", severity="warning")
        return None
    except (OSError, ValueError) as e:  # ValueError: unbalanced quotes in $EDITOR
        tell(app, clean_line(f"Could not run {name}: {e}"), severity="error")
        return None
    finally:
        path.unlink(missing_ok=True)


def _scratch(app: Any) -> str | None:
    """A folder only this person can enter for the editor's file: the app's (under their
    runtime or state directory, 0700), never the shared /tmp. None (the system's temporary
    folder) only for an app made without one, in tests."""
    folder = getattr(app, "scratch", None)
    if folder is None:
        return None
    from storage.files import make_dirs

    make_dirs(folder)
    return str(folder)
