"""The domain's refusals: what a person asked for cannot be done as asked.

Apart from the rules that raise them so that the command line can catch them without
importing the rules.
"""

from __future__ import annotations


class ValidationError(ValueError):
    """A record that cannot be saved as it is: ``field`` names the field for code, ``label``
    for people (the message shows the label)."""

    def __init__(self, field: str, message: str, label: str = "") -> None:
        super().__init__(f"{label or field}: {message}")
        self.field = field
        self.message = message
        self.label = label or field


class DecisionError(ValueError):
    """The decision cannot be made as asked (already decided, reason missing...)."""
