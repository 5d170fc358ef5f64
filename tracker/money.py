"""Money as integer cents: reading what people type and writing it back for people."""

from __future__ import annotations

import re

_AMOUNT = re.compile(r"^[-+]?\d{1,3}(,\d{3})*(\.\d{1,2})?$|^[-+]?\d+(\.\d{1,2})?$")
SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CAD": "CA$", "AUD": "A$",
           "THB": "฿", "CNY": "CN¥"}


class MoneyError(ValueError):
    pass


def parse_money(text: str, allow_negative: bool = False) -> int:
    """``1200``, ``1,200.50``, ``$1,200``, ``25k`` -> cents."""
    s = text.strip().replace(" ", "")
    for symbol in sorted(SYMBOLS.values(), key=len, reverse=True):
        s = s.replace(symbol, "")
    s = re.sub(r"^[A-Za-z]{3}", "", s)
    factor = 1
    if s[-1:].lower() == "k":
        s, factor = s[:-1], 1000
    if not s or not _AMOUNT.match(s):
        raise MoneyError(f"not an amount: {text.strip()!r} (try 1200, 1,200.50 or 25k)")
    cents = round(float(s.replace(",", "")) * 100 * factor)
    if cents < 0 and not allow_negative:
        raise MoneyError("must not be negative")
    return cents


def format_money(cents: int, currency: str = "USD") -> str:
    symbol = SYMBOLS.get(currency, "")
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(cents), 100)
    amount = f"{whole:,}" if not frac else f"{whole:,}.{frac:02d}"
    return f"{sign}{symbol}{amount}" if symbol else f"{sign}{amount} {currency}"
