"""Shell completion for bash and zsh, generated from the command's own parser.

``scopekeeper completion bash`` prints a script that completes commands, options, their
choices (formats, kinds, colours...), template names and file paths; zsh uses the same
script through ``bashcompinit``. Enable it with ``eval "$(scopekeeper completion bash)"``
in ``~/.bashrc`` (or ``zsh`` in ``~/.zshrc``).
"""

from __future__ import annotations

import argparse
import shlex

FILE_OPTIONS = ("--db", "--config", "-o", "--output")


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:  # argparse keeps its subparsers here, nowhere else
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _options(parser: argparse.ArgumentParser) -> tuple[list[str], dict[str, list[str]]]:
    options: list[str] = []
    choices: dict[str, list[str]] = {}
    for action in parser._actions:
        for flag in action.option_strings:
            if flag.startswith("--") or flag == "-o":
                options.append(flag)
                if action.choices:
                    choices[flag] = [str(c) for c in action.choices]
    return options, choices


def bash_script(parser: argparse.ArgumentParser, kinds: list[str], templates: list[str]) -> str:
    commands = _subcommands(parser)
    top, top_choices = _options(parser)
    cases = []
    for name, sub in commands.items():
        options, choices = _options(sub)
        if any(a.dest == "kind" for a in sub._actions):
            choices["--kind"] = kinds
        words = list(options)
        if name == "render":
            words += templates
        if name == "completion":
            words += ["bash", "zsh"]
        value_cases = "".join(
            f"            {flag}) COMPREPLY=( $(compgen -W {shlex.quote(' '.join(vals))} -- "
            f'"$cur") ); return;;\n' for flag, vals in choices.items())
        file_arg = name in ("import", "restore", "migrate")  # migrate: a file or a URL
        cases.append(
            f"        {name})\n"
            f"            case \"$prev\" in\n{value_cases}"
            f"            esac\n"
            + ('            if [[ "$cur" != -* ]]; then COMPREPLY=( $(compgen -f -- "$cur") ); '
               "return; fi\n" if file_arg else "")
            + f"            COMPREPLY=( $(compgen -W {shlex.quote(' '.join(words))} -- \"$cur\") )"
            f"\n            ;;\n")
    top_values = "".join(
        f"        {flag}) COMPREPLY=( $(compgen -W {shlex.quote(' '.join(vals))} -- "
        f'"$cur") ); return;;\n' for flag, vals in top_choices.items())
    names = " ".join(commands)
    return f"""# scopekeeper completion for bash (zsh: see 'scopekeeper completion zsh')
_scopekeeper() {{
    local cur prev cmd word i
    cur="${{COMP_WORDS[COMP_CWORD]}}"
    prev="${{COMP_WORDS[COMP_CWORD-1]}}"
    cmd=""
    for (( i = 1; i < COMP_CWORD; i++ )); do
        word="${{COMP_WORDS[i]}}"
        case " {names} " in *" $word "*) cmd="$word"; break;; esac
    done
    case "$prev" in
        {'|'.join(FILE_OPTIONS)}) COMPREPLY=( $(compgen -f -- "$cur") ); return;;
{top_values}    esac
    case "$cmd" in
        "") COMPREPLY=( $(compgen -W {shlex.quote(names + ' ' + ' '.join(top))} -- "$cur") );;
{''.join(cases)}    esac
}}
complete -o default -F _scopekeeper scopekeeper
"""


def zsh_script(parser: argparse.ArgumentParser, kinds: list[str], templates: list[str]) -> str:
    return ("# scopekeeper completion for zsh\nautoload -U +X compinit && compinit\n"
            "autoload -U +X bashcompinit && bashcompinit\n"
            + bash_script(parser, kinds, templates))
