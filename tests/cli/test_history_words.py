"""``scopekeeper history`` (and the app's History tab) read like sentences: a contact
change as the fields people know (name, title, email, phone: old -> new), and a whole agency
replaced (the demo, an import, a restore) as one entry saying which, never the stored JSON
cut off at 40 characters or a misleading "replaced everything"."""

from __future__ import annotations

import re

from tests.cli.test_commands import sk

STAMP = r"\d{4}-\d\d-\d\d \d\d:\d\d  \S+\s+  "


def _history(db, client: str) -> list[str]:
    return [re.sub(STAMP, "", line) for line in
            sk("history", client, db=db, check=True).stdout.splitlines()[1:]]


def test_a_contact_change_shows_the_fields_old_and_new(tmp_path):
    db = tmp_path / "a.json"
    sk("demo", db=db, check=True)
    sk("contact", "Lumen", "Dana Reyes", "--title", "CMO", db=db, check=True)
    changed = [line for line in _history(db, "Lumen") if line.startswith("changed client")]
    assert changed == [
        "changed client  main contact: name: Jonas Berg -> Dana Reyes; title: Marketing "
        "Director -> CMO; email: jonas@example.com -> (none); other contacts: added Jonas "
        "Berg (Marketing Director, jonas@example.com)"]
    assert "{" not in "".join(_history(db, "Lumen"))  # no JSON anywhere


def test_the_demo_an_import_and_a_restore_are_one_entry_saying_which(tmp_path):
    db = tmp_path / "a.json"
    sk("demo", db=db, check=True)
    assert _history(db, "Lumen") == ["loaded the demo agency  3688 records, every client's"]
    sk("compact", db=db, check=True)
    backup = sorted((tmp_path / "backups").glob("*Z.json"))[-1].name
    sk("restore", "latest", db=db, check=True)
    assert _history(db, "Bayview")[-1] == (f"replaced all data (restore)  from {backup}: "
                                           "3688 records, every client's")
    sk("export", "--format", "json", "-o", str(tmp_path / "all.json"), db=db, check=True)
    other = tmp_path / "b.json"
    sk("import", str(tmp_path / "all.json"), db=other, check=True)
    assert _history(other, "Lumen") == ["replaced all data (import)  3688 records, every "
                                        "client's"]
