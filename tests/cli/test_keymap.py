"""A keymap may not give one key two meanings where it is pressed.

"Where it is pressed": a screen, with all of its tabs (Textual keeps one binding per key in
a screen's bindings: remapping one onto another's key drops the other on every tab), the
list keys, the app-wide keys, and Textual's keys for the list and the command palette; a
dialog or form is modal: only its own keys (and, in a form, typing) count there.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.test_commands import sk


def clash(keymap: dict[str, str]) -> str | None:
    from screens.app import ScopekeeperApp
    from screens.keys import key_catalog
    from storage.keymap import keymap_clashes

    return next((message for _, message in keymap_clashes(keymap, key_catalog(ScopekeeperApp))),
                None)


@pytest.mark.parametrize(("keymap", "names"), [
    ({"review.snooze": "l"}, ("review.snooze", '"l"', "review.log", "the Review screen")),
    ({"review.log": "z", "review.snooze": "z"}, ("review.log", '"z"', "review.snooze")),
    ({"review.snooze": "c"}, ("review.snooze", "app.clients", "the Review screen")),
    ({"app.review": "s"}, ("app.review", '"s"', "review.snooze")),
    ({"client.resolve": "e"}, ("client.resolve", "client.edit", "client detail")),
    ({"client.add": "a"}, ("client.add", "client.acknowledge")),
    ({"list.down": "s"}, ("list.down", "review.snooze")),
    ({"review.log": "down"}, ("review.log", "the list's 'Cursor down'")),
    ({"app.reload": "ctrl+p"}, ("app.reload", "the command palette")),
    ({"form.save": "s"}, ("form.save", "typing in a field", "a form")),
    ({"conflict.mine": "t"}, ("conflict.mine", "conflict.theirs")),
    ({"help.close": "?,j"}, ("help.close", '"j"', "help.down")),
], ids=lambda v: "+".join(f"{k}={x}" for k, x in v.items()) if isinstance(v, dict) else "")
def test_a_key_with_two_meanings_is_refused_naming_both(keymap, names):
    message = clash(keymap)
    assert message is not None
    assert all(n in message for n in names), message


@pytest.mark.parametrize("keymap", [
    {"review.log": "s", "review.snooze": "l"},  # a swap: one meaning each
    {"decide.expand": "l"},  # dialogs are modal: the Review's l does not reach them
    {"conflict.mine": "c"},  # nor do the app-wide keys
    {"review.open": "enter"},  # a list's Enter opens its row: the same thing
    {"welcome.cancel": "e"},  # Start empty, either way
    {"review.snooze": "z", "client.complete": "f,space"},  # the README's example
], ids=lambda v: "+".join(f"{k}={x}" for k, x in v.items()))
def test_keys_with_one_meaning_each_are_accepted(keymap):
    assert clash(keymap) is None


def test_the_default_keys_have_one_meaning_each():
    """Every binding kept at its default key clashes with nothing; the deliberate
    exceptions: ctrl+e in a form, taken over from the text fields to open the editor, and
    Enter in a form (form.next), taken over from a field to move on before the next key of a
    burst is handed out; on a button (or in the last field) it lets the widget have it."""
    from screens.app import ScopekeeperApp
    from screens.keys import catalogue, key_catalog
    from storage.keymap import keymap_clashes

    by_id = catalogue(ScopekeeperApp).by_id
    defaults = {binding_id: b.key for binding_id, (_, b) in by_id.items()}
    clashes = {(mine, message.split("clashes with ")[1].split(" (")[0])
               for mine, message in keymap_clashes(defaults, key_catalog(ScopekeeperApp))}
    assert clashes == {("form.editor", "the Input's 'Go to end'"),
                       ("form.editor", "the TextArea's 'Cursor line end'"),
                       ("form.next", "the Input's 'Submit'"),
                       ("form.next", "the Button's 'Press button'")}


def config_file(tmp_path: Path, keymap: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(f"[keymap]\n{keymap}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("command", [["config"], []], ids=["config", "app-start"])
def test_config_and_the_app_refuse_a_clash_with_one_line(tmp_path, command):
    cfg = config_file(tmp_path, '"review.snooze" = "l"')
    out = sk(*command, "--config", str(cfg), db=tmp_path / "a.json")
    assert (out.returncode, out.stdout) == (1, "")
    assert out.stderr == (f'scopekeeper: error: {cfg}: keymap.review.snooze: "l" clashes with '
                          "review.log on the Review screen (one key, one action: choose another "
                          "key)\n")
    assert not (tmp_path / "a.json").exists()


def test_config_accepts_a_keymap_without_clashes(tmp_path):
    cfg = config_file(tmp_path, '"review.snooze" = "z"\n"review.log" = "s"')
    out = sk("config", "--config", str(cfg), db=tmp_path / "a.json")
    assert out.returncode == 0, out.stderr
    assert 'keymap.review.snooze' in out.stdout and '"z"' in out.stdout


@pytest.mark.parametrize("keys", ['"z,,x"', '","', '" "'])
def test_an_empty_key_in_a_list_is_refused(tmp_path, keys):
    cfg = config_file(tmp_path, f'"review.snooze" = {keys}')
    out = sk("config", "--config", str(cfg), db=tmp_path / "a.json")
    assert out.returncode == 1
    assert out.stderr.endswith('keymap.review.snooze: must be keys like "z" or "ctrl+z,z"\n')
