"""scopekeeper: keep every client's scope tight and every client relationship alive."""

__version__ = "0.1.0"
