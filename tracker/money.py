"""Money as integer cents of the client's own currency: reading what people type, writing
it back for people.

An amount is a number, written with or without thousands commas, with at most the symbol or
the code of *the client's* currency before or after it: ``12,500``, ``฿12,500``,
``THB 12,500``, ``12,500 THB`` for a client in baht; ``CN¥8,000``, ``¥8,000``, ``8000 CNY``
for a client in yuan; ``25k`` for 25,000. Anything else -- ``Nov 2``, ``EUR 5`` for a client
in dollars, ``2 3``, ``12,50`` -- is refused with an example, because a guess would put a
wrong amount into an agreement. Amounts are bounded (:data:`MAX_CENTS`).

Why not Babel: it parses numbers by the *process's* locale (``1.200`` is 1200 in de_DE and
1.2 in en_US), and several people with different locales share one server; it has no
currency parser at all (symbols must be stripped by hand anyway); and the domain layer
takes only the stdlib and dateutil. What we need of CLDR is a small table: each currency's
symbols and its minor unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

#: The largest amount anywhere (a fee, a budget): 100 billion in the currency's units.
#: Far above any agency's figure, far below what the data file can store (64 bits).
MAX_UNITS = 100_000_000_000
MAX_CENTS = MAX_UNITS * 100
_MAX_TEXT = 40  # no amount is longer; longer text is refused before any arithmetic


class MoneyError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Currency:
    code: str
    symbol: str = ""  # shown before the amount; "" shows the code after it
    aliases: tuple[str, ...] = ()  # what else people write for it (case does not matter)
    decimals: int = 2  # digits of its minor unit (0: no cents, like the yen)

    @property
    def marks(self) -> frozenset[str]:
        """Everything that may stand beside an amount in this currency."""
        return frozenset(m.casefold() for m in (self.code, self.symbol, *self.aliases) if m)


_KNOWN = (
    Currency("USD", "$", ("US$",)),
    Currency("EUR", "€"),
    Currency("GBP", "£"),
    Currency("JPY", "¥", ("￥", "円", "JP¥"), decimals=0),
    # "$" alone is the local symbol of these dollars too: one client has one currency, so
    # it cannot mean another one there
    Currency("CAD", "CA$", ("C$", "$")),
    Currency("AUD", "A$", ("AU$", "$")),
    Currency("THB", "฿", ("บาท", "baht")),
    # "¥" is the yuan's own symbol as much as the yen's (CLDR's narrow symbol)
    Currency("CNY", "CN¥", ("¥", "￥", "元", "RMB")),
)
CURRENCIES = {c.code: c for c in _KNOWN}
#: ISO 4217 currencies without a minor unit.
_NO_CENTS = frozenset({"BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF",
                       "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"})
#: Every mark of every known currency, to say "that is another currency" rather than
#: "not an amount".
_FOREIGN = {m: c.code for c in _KNOWN for m in c.marks} | {"€": "EUR", "£": "GBP"}

_CODE = re.compile(r"^[A-Z]{3}$")
# sign, the text before the number, the number (thousands in groups of three, or none),
# an optional "k", the text after it; the units are checked afterwards
_SHAPE = re.compile(
    r"^(?P<sign>-)?(?P<pre>[^0-9]*?)\s?"
    r"(?P<num>[1-9][0-9]{0,2}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?)"
    r"(?P<k>[kK])?\s?(?P<post>[^0-9]*)$", re.ASCII)


#: The ISO 4217 codes of money in use (no metals, funds or test codes): a fee is in one.
_ISO_4217 = """
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP
BYN BZD CAD CDF CHF CLP CNY COP CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP
GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS
KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR
MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF
SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD
TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG
"""
ISO_CODES = frozenset(_ISO_4217.split())


def currency(code: str) -> Currency:
    """What we know of a currency from its ISO 4217 code."""
    if not _CODE.match(code):
        raise MoneyError(f"not a currency code: {code!r} (3 capital letters, like USD)")
    if code not in ISO_CODES:
        raise MoneyError(f"{code} is not a currency (an ISO 4217 code like USD, EUR, THB)")
    return CURRENCIES.get(code) or Currency(code, decimals=0 if code in _NO_CENTS else 2)


def example(code: str) -> str:
    """How amounts in this currency can be written, for messages and placeholders."""
    cur = currency(code)
    n = "8,000" if cur.decimals == 0 else "1,200.50"
    return f"e.g. {n} or {cur.symbol}{n}" if cur.symbol else f"e.g. {n} or {n} {code}"


def _not_amount(original: str, cur: Currency) -> MoneyError:
    return MoneyError(f"not an amount: {original!r} ({cur.code}, {example(cur.code)})")


def _unit(text: str, cur: Currency, original: str) -> None:
    """Refuse anything beside the number that is not a mark of the client's currency."""
    mark = text.strip().casefold()
    if not mark or mark in cur.marks:
        return
    other = _FOREIGN.get(mark) or (text.strip() if _CODE.match(text.strip()) else None)
    if other is not None and other != cur.code:
        raise MoneyError(f"{original!r} is not in {cur.code}, this client's currency "
                         f"({example(cur.code)})")
    raise _not_amount(original, cur)


def parse_money(text: str, currency_code: str, *, allow_negative: bool = False) -> int:
    """What a person typed, as cents of ``currency_code``; :class:`MoneyError` with an
    example of what works, for anything else."""
    cur = currency(currency_code)
    original = " ".join(text.split())
    if not original:
        raise MoneyError("no amount given")
    if len(original) > _MAX_TEXT:
        raise _not_amount(original[:_MAX_TEXT] + "...", cur)
    m = _SHAPE.match(original)
    if m is None:
        raise _not_amount(original, cur)
    pre, post = m["pre"], m["post"]
    negative = bool(m["sign"])
    if pre.rstrip().endswith("-") and not negative:  # "$-5": the sign after the symbol
        pre, negative = pre.rstrip()[:-1], True
    if pre.strip() and post.strip():
        raise MoneyError(f"{original!r}: the currency once, before or after the number "
                         f"({example(cur.code)})")
    _unit(pre, cur, original)
    _unit(post, cur, original)
    try:
        value = Decimal(m["num"].replace(",", "")) * (1000 if m["k"] else 1)
    except InvalidOperation:  # the shape above makes this unreachable; kept as a guard
        raise _not_amount(original, cur) from None
    minor = value * (10 ** cur.decimals)
    if minor != minor.to_integral_value():
        raise MoneyError(
            f"{original!r}: {cur.code} amounts have no decimals" if cur.decimals == 0 else
            f"{original!r}: at most {cur.decimals} decimals in {cur.code}")
    cents = int(value * 100)
    if cents > MAX_CENTS:
        raise MoneyError(f"{original!r} is too large: amounts go up to "
                         f"{format_money(MAX_CENTS, cur.code)}")
    if negative and cents:
        if not allow_negative:
            raise MoneyError(f"{original!r}: must not be negative")
        cents = -cents
    return cents


def amount_text(cents: int) -> str:
    """The number alone, as a person would type it back: ``12,500``, ``1,200.50``."""
    whole, frac = divmod(abs(cents), 100)
    sign = "-" if cents < 0 else ""
    if frac:
        return f"{sign}{whole:,}.{frac:02d}"
    return f"{sign}{whole:,}"


def format_money(cents: int, currency_code: str) -> str:
    """``$1,200``, ``฿12,500.50``, ``CN¥8,000``, ``1,200 CHF``; whole amounts without
    ``.00``. It always reads back as the same amount with :func:`parse_money`."""
    cur = currency(currency_code)
    body = amount_text(abs(cents))
    sign = "-" if cents < 0 else ""
    return f"{sign}{cur.symbol}{body}" if cur.symbol else f"{sign}{body} {cur.code}"
