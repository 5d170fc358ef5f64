"""Templates the agency edits: the sandbox, clear errors, overrides, and limits that stop a
runaway template (a colleague's, on a shared server) without touching the app."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage.templates import SUFFIX, TemplateError, available, find, render
from tests.templates.sample import CLIENT, SENDER, TODAY, agency
from tracker.documents import build


def user_template(tmp_path: Path, name: str, text: str) -> Path:
    folder = tmp_path / "templates"
    folder.mkdir(exist_ok=True)
    (folder / f"{name}{SUFFIX}").write_text(text, encoding="utf-8")
    return folder


def kickoff_model() -> dict:
    return build("kickoff", agency(), CLIENT, TODAY, SENDER)


def run(tmp_path: Path, text: str, context: dict | None = None) -> str:
    folder = user_template(tmp_path, "kickoff", text)
    return render(find("kickoff", folder), kickoff_model() if context is None else context).text


ESCAPES = [
    "{{ ''.__class__.__mro__ }}",
    "{{ ('{0.__class__}'|attr('format'))(client) }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ self._TemplateReference__context }}",
    "{{ client.name.__class__.__base__.__subclasses__() }}",
    "{{ lipsum.__globals__['os'] }}",
    "{% set _ = client.team.append('mallory') %}x",
    "{{ client.update({'name': 'x'}) }}",
]


@pytest.mark.parametrize("payload", ESCAPES)
def test_user_templates_cannot_reach_python_internals_or_change_their_data(tmp_path, payload):
    model = kickoff_model()
    with pytest.raises(TemplateError) as e:
        run(tmp_path, "Hello\n" + payload + "\n", model)
    assert "kickoff.md.j2, line 2: not allowed:" in str(e.value)
    assert model == kickoff_model()  # nothing it was given changed


def test_a_misspelt_variable_names_the_file_line_and_variable(tmp_path):
    with pytest.raises(TemplateError) as e:
        run(tmp_path, "# {{ client.name }}\n\nFee: {{ client.fee_lnie }}\n")
    msg = str(e.value)
    assert msg.startswith(str(tmp_path / "templates" / "kickoff.md.j2") + ", line 3: ")
    assert "'fee_lnie'" in msg and "misspelt" in msg


def test_a_syntax_error_names_the_line(tmp_path):
    with pytest.raises(TemplateError, match=r"kickoff\.md\.j2, line 4: .*"):
        run(tmp_path, "a\nb\nc\n{% for x in %}\n")


def test_a_template_cannot_include_other_files(tmp_path):
    with pytest.raises(TemplateError, match="cannot include, import or extend"):
        run(tmp_path, '{% include "/etc/passwd" %}')


def test_user_file_overrides_the_built_in_and_the_built_in_stays_available(tmp_path):
    folder = user_template(tmp_path, "kickoff", "Ours for {{ client.name }}\n")
    found = available(folder)
    assert found["kickoff"].overrides and not found["kickoff"].builtin
    assert found["change_order"].builtin  # the others stay built in
    assert render(found["kickoff"], kickoff_model()).text == "Ours for Harbor & Co. <Dental>\n"
    builtin = find("kickoff", folder, builtin_only=True)
    assert builtin.builtin and render(builtin, kickoff_model()).text.startswith(
        "# Scope of work: Harbor & Co. <Dental>")
    with pytest.raises(TemplateError, match="no template 'nope'"):
        find("nope", folder)


def test_output_is_plain_text_without_control_characters(tmp_path):
    out = run(tmp_path, 'Q3 & "budget" <review> {{ "\\x1b]0;PWNED\\x07" }} {{ "\\x9b2J" }}\n')
    assert out == 'Q3 & "budget" <review> \ufffd]0;PWNED\ufffd \ufffd2J\n'


def test_a_runaway_loop_is_stopped_by_the_renderer_limits(tmp_path):
    """Its CPU limit (3 s) or its wall-clock limit (3 s) stops it: the outcome is asserted,
    not how fast it came (a loaded machine may take longer to get there)."""
    with pytest.raises(TemplateError, match=r"stopped after 3 s|too much memory or time"):
        run(tmp_path, "{% for i in range(100000) %}{% for j in range(100000) %}"
                      "{% endfor %}{% endfor %}")


def test_an_enormous_output_is_refused(tmp_path):
    with pytest.raises(TemplateError, match="output is longer than 100,000 characters"):
        run(tmp_path, "{% for i in range(100000) %}line {{ i }}\n{% endfor %}")


@pytest.mark.parametrize("payload", ['{{ "a" * 1000000000 }}', "{{ 9 ** 9 ** 9 }}",
                                     "{{ [1] * 100000 }}"])
def test_operators_that_build_huge_values_are_refused(tmp_path, payload):
    with pytest.raises(TemplateError, match="not allowed"):
        run(tmp_path, payload)


def test_memory_is_limited(tmp_path):
    with pytest.raises(TemplateError, match="more memory than a template may use"):
        run(tmp_path, '{% set a = "x" * 1000 %}{% set b = a * 1000 %}{% set c = [b] * 1000 %}'
                      "{{ (c | join) | length }}")


def test_an_oversized_or_unreadable_template_is_refused(tmp_path):
    with pytest.raises(TemplateError, match="longer than 20,000 characters"):
        run(tmp_path, "x" * 20_001)
    folder = user_template(tmp_path, "kickoff", "")
    (folder / f"kickoff{SUFFIX}").write_bytes(b"\xff\xfe bad")
    with pytest.raises(TemplateError, match="not UTF-8"):
        render(find("kickoff", folder), kickoff_model())
