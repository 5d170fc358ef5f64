"""The domain's refusals: what a person asked for cannot be done as asked.

Apart from the rules that raise them so that the command line can catch them without
importing the rules.
"""

from __future__ import annotations


class ValidationError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class DecisionError(ValueError):
    """The decision cannot be made as asked (already decided, reason missing...)."""
