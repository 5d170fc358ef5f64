"""The subcommands of ``scopekeeper``, by noun (see ``scopekeeper.cli.COMMANDS``).

The storage engine and the domain rules are imported by the commands that use them, in
the function: the app shows the kept review before either is imported (see ``cmd_tui``).
"""
