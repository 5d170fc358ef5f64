"""Hostile files in the agency's templates directory (anyone who may write it can put them
there): a named pipe, a link to /dev/zero or to someone's private file, a directory, a loop,
an empty, huge or non-UTF-8 file. Each is refused with the file and the reason, quickly,
without reading what it must not; listing them opens nothing and says why they are refused.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from storage.templates import (
    SUFFIX,
    Template,
    TemplateDirError,
    TemplateError,
    available,
    find,
    render,
)
from tests.templates.sample import CLIENT, SENDER, TODAY, agency
from tracker.documents import build

#: A bound on waiting for a refusal: reached only when a read hangs (as it did on a pipe).
HANG = 60


def kickoff_model() -> dict[str, Any]:
    return build("kickoff", agency(), CLIENT, TODAY, SENDER)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "templates"
    folder.mkdir()
    return folder


@contextlib.contextmanager
def unblocked(fifo: Path) -> Iterator[None]:
    """Whatever happens, a reader left waiting on ``fifo`` gets end-of-file afterwards."""
    try:
        yield
    finally:
        with contextlib.suppress(OSError):  # ENXIO: nobody is reading it
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))


def bounded(call: Callable[[], Any]) -> Any:
    """``call()`` in a thread, failing (not hanging the suite) if it never returns."""
    pool = concurrent.futures.ThreadPoolExecutor(1)
    try:
        return pool.submit(call).result(timeout=HANG)
    finally:
        pool.shutdown(wait=False)  # a call still hanging is ended by its test's clean-up


def refusal(template: Template) -> str:
    with pytest.raises(TemplateError) as e:
        bounded(lambda: render(template, kickoff_model()))
    return str(e.value)


def test_a_named_pipe_is_refused_not_waited_on(folder):
    fifo = folder / f"kickoff{SUFFIX}"
    os.mkfifo(fifo)
    with unblocked(fifo):
        listed = bounded(lambda: available(folder))["kickoff"]
        assert "named pipe (FIFO)" in listed.problem
        assert refusal(find("kickoff", folder)) == \
            f"{fifo}: refused: it is a named pipe (FIFO), not a regular file"


def test_the_worker_checks_the_file_it_opens_not_the_listing(folder):
    """A file swapped for a pipe after it was listed as fine is refused by the reader."""
    fifo = folder / f"kickoff{SUFFIX}"
    os.mkfifo(fifo)
    with unblocked(fifo):
        message = refusal(Template(name="kickoff", path=fifo, builtin=False))
    assert message == f"{fifo}: refused: it is a named pipe (FIFO), not a regular file"


def test_a_link_to_a_private_file_outside_the_directory_is_not_rendered(folder, tmp_path):
    secret = tmp_path / "home" / "notes.txt"
    secret.parent.mkdir()
    secret.write_text("the other agency's rates: $90/h\n", encoding="utf-8")
    link = folder / f"kickoff{SUFFIX}"
    link.symlink_to(secret)
    message = refusal(find("kickoff", folder))
    assert message == f"{link}: refused: a symbolic link to a file outside the templates " \
                      "directory"
    assert "rates" not in message
    # nor when the listing was fooled (the link made after it looked)
    assert refusal(Template(name="kickoff", path=link, builtin=False)) == message


def test_a_link_to_dev_zero_is_refused_without_reading_it(folder):
    link = folder / f"kickoff{SUFFIX}"
    link.symlink_to("/dev/zero")
    assert "outside the templates directory" in refusal(find("kickoff", folder))


def test_a_link_inside_the_directory_is_used(folder):
    (folder / "versions").mkdir()
    (folder / "versions" / "kickoff-v3.md.j2").write_text("v3 for {{ client.name }}\n",
                                                          encoding="utf-8")
    (folder / f"kickoff{SUFFIX}").symlink_to(Path("versions") / "kickoff-v3.md.j2")
    t = find("kickoff", folder)
    assert not t.problem
    assert render(t, kickoff_model()).text == "v3 for Harbor & Co. <Dental>\n"


def _hostile(kind: str, path: Path) -> None:
    if kind == "directory":
        path.mkdir()
    elif kind == "dangling link":
        path.symlink_to(path.parent / "gone.md.j2")
    elif kind == "link loop":
        path.symlink_to(path.name)
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "blank":
        path.write_bytes(b"  \n\n")
    elif kind == "not UTF-8":
        path.write_bytes(b"Hello \xff\xfe {{ client.name }}\n")
    elif kind == "over the cap":
        path.write_bytes(b"x" * 80_001)
    elif kind == "huge":  # sparse: no disk used, never read
        with path.open("wb") as f:
            f.truncate(4 << 30)


HOSTILE = {
    "directory": "it is a directory, not a template file",
    "dangling link": "a symbolic link to a file that does not exist",
    "link loop": "a symbolic link that loops",
    "empty": "it is empty",
    "blank": "it is empty",
    "not UTF-8": "cannot read it: not UTF-8 text",
    "over the cap": "larger than 80,000 bytes (a template has at most 20,000 "
                    "characters)",
    "huge": "larger than 80,000 bytes (a template has at most 20,000 characters)",
}


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_each_unusable_file_is_one_line_naming_file_and_reason(folder, kind):
    path = folder / f"kickoff{SUFFIX}"
    _hostile(kind, path)
    message = refusal(find("kickoff", folder))
    assert message == f"{path}: refused: {HOSTILE[kind]}"
    if kind not in ("not UTF-8", "blank"):  # known only by reading it: a listing cannot tell
        assert available(folder)["kickoff"].problem == HOSTILE[kind]


def test_a_file_just_under_the_cap_is_used(folder):
    (folder / f"kickoff{SUFFIX}").write_text("y" * 19_999 + "\n", encoding="utf-8")
    assert render(find("kickoff", folder), kickoff_model()).text == "y" * 19_999 + "\n"


def test_a_file_swapped_after_it_was_opened_is_refused(folder, tmp_path, monkeypatch):
    """The checks are made on what was opened: a colleague who swaps the name for a link
    to someone's file between the check and the read gains nothing."""
    from storage import template_files

    secret = tmp_path / "secret.txt"
    secret.write_text("private\n", encoding="utf-8")
    path = folder / f"kickoff{SUFFIX}"
    path.write_text("ours\n", encoding="utf-8")
    real_open = os.open

    def open_then_swap(name: Any, flags: int, *args: Any, **kw: Any) -> int:
        fd = real_open(name, flags, *args, **kw)
        if Path(name) == path:
            path.unlink()
            path.symlink_to(secret)
        return fd

    monkeypatch.setattr(os, "open", open_then_swap)
    with pytest.raises(template_files.Refused, match="outside the templates directory"):
        template_files.read_template(path, folder)


def test_a_file_grown_between_stat_and_read_is_capped(folder, monkeypatch):
    from storage import template_files

    path = folder / f"kickoff{SUFFIX}"
    path.write_text("small\n", encoding="utf-8")

    def growing(fd: int, n: int) -> bytes:  # someone appends as fast as it is read
        assert n <= template_files.MAX_BYTES + 1  # never asks for more than the cap + 1
        return b"x" * n

    monkeypatch.setattr(os, "read", growing)
    with pytest.raises(template_files.Refused, match="larger than 80,000 bytes"):
        template_files.read_template(path, folder)


def test_a_hostile_entry_does_not_spoil_the_listing_of_the_others(folder):
    os.mkfifo(folder / f"kickoff{SUFFIX}")
    (folder / f"call_summary{SUFFIX}").write_text("Ours\n", encoding="utf-8")
    (folder / f"change_order{SUFFIX}").symlink_to("/etc/hostname")
    found = bounded(lambda: available(folder))
    assert found["call_summary"].problem == "" and not found["call_summary"].builtin
    assert "named pipe" in found["kickoff"].problem
    assert "outside the templates directory" in found["change_order"].problem
    assert found["monthly_report"].builtin


@pytest.mark.parametrize("kind", ["missing", "a file"])
def test_a_templates_directory_that_is_not_one_is_an_error_not_the_built_ins(tmp_path, kind):
    where = tmp_path / "agency-templates"
    if kind == "a file":
        where.write_text("oops\n", encoding="utf-8")
    with pytest.raises(TemplateDirError) as e:
        find("kickoff", where)
    said = "does not exist; create it" if kind == "missing" else "is not a directory"
    assert str(e.value).startswith(f"{where}: the templates directory (templates.dir) {said}")
    assert "correct templates.dir" in str(e.value)
    assert find("kickoff", where, builtin_only=True).builtin  # the built-in still works

