"""The subcommands of ``scopekeeper``, by noun (see ``scopekeeper.cli.COMMANDS``)."""
