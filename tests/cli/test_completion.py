"""Shell completion: the generated bash script completes commands, options and choices."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.cli.test_commands import sk

CASES = [
    (["scopekeeper", "re"], "review restore render requests"),
    (["scopekeeper", "log", "acme", "--th"], "--theirs"),
    (["scopekeeper", "log", "acme", "--kind", "in"], "in_person_visit"),
    (["scopekeeper", "render", "st"], "stay_focused"),
    (["scopekeeper", "export", "--format", ""], "json csv ics"),
    (["scopekeeper", "--color", ""], "auto 16 256 truecolor"),
    (["scopekeeper", "import", "x", "--dup"], "--duplicates"),
    (["scopekeeper", "import", "x", "--duplicates", "m"], "merge"),
    (["scopekeeper", "completion", ""], "--help bash zsh"),
    (["scopekeeper", "mi"], "migrate"),
    (["scopekeeper", "migrate", "--"], "--help --db --config"),
]


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_bash_completion(tmp_path):
    script = tmp_path / "comp.sh"
    script.write_text(sk("completion", "bash").stdout, encoding="utf-8")
    calls = "\n".join(
        "COMP_WORDS=(" + " ".join(f"'{w}'" for w in words) + "); "
        "COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=(); _scopekeeper; "
        'echo "${COMPREPLY[*]}"' for words, _ in CASES)
    out = subprocess.run(["bash", "-c", f"source {script}\n{calls}"], capture_output=True,
                         text=True, check=True)
    assert out.stdout.splitlines() == [want for _, want in CASES]


def test_zsh_script_wraps_the_bash_one():
    out = sk("completion", "zsh").stdout
    assert "bashcompinit" in out and "complete -o default -F _scopekeeper scopekeeper" in out
    if shutil.which("zsh"):
        subprocess.run(["zsh", "-n", "-c", out], check=True)
