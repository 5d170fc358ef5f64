"""A form's fields and how what is typed in each is read: a day, an amount, a score,
hours, an email; a refusal says what is wrong in the words of the field."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal, TypeVar

from tracker.attendance import NamesError, parse_names
from tracker.dates import DateParseError, Sense, parse_day
from tracker.documents import DocumentError, parse_month
from tracker.money import (
    MoneyError,
    currency,
    example,
    format_money,
    parse_money,
)
from tracker.text import clean_line, clean_text
from tracker.validation import MAX_LINE, MAX_TEXT, is_email

Kind = Literal["text", "note", "date", "money", "int", "nps", "hours", "choice", "bool",
               "month", "names", "currency", "email"]


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    label: str
    kind: Kind = "text"
    value: str = ""  # initial text (for bool: "1" or ""; for choice: the value)
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()  # (label, value)
    hint: str = ""
    minimum: int | None = None
    # date: what it is the date of (PAST: something that happened, never in the future)
    sense: Sense = Sense.ANY
    after_today: bool = False  # a date that must come after today (a snooze's end)
    # money: the client's currency, or the name of the field of this form that holds it
    currency: str = ""
    currency_field: str = ""


class FieldError(ValueError):
    pass


V = TypeVar("V")


class Values(dict[str, object]):
    """A form's values by field name, each as its field read it (:func:`parse`; a choice's
    value, a tick box's bool). Flows read them by type, so that mypy checks what each save
    is built from; a value of another type is a programming error, said as one."""

    def _of(self, name: str, kind: type[V], default: V | None = None) -> V:
        value = self.get(name, default)
        if not isinstance(value, kind):
            raise TypeError(f"form value {name!r} is {type(value).__name__}, not {kind.__name__}")
        return value

    def text(self, name: str, default: str | None = None) -> str:
        return self._of(name, str, default)

    def number(self, name: str) -> int:
        """An int, nps or money field's value (money: integer cents)."""
        return self._of(name, int)

    def maybe_number(self, name: str) -> int | None:
        """An int or nps field left empty is None (in a preview: one not yet readable)."""
        return None if self.get(name) is None else self.number(name)

    def hours(self, name: str) -> float:
        value = self.get(name)
        return float(value) if isinstance(value, int) else self._of(name, float)

    def day(self, name: str) -> date:
        return self._of(name, date)

    def maybe_day(self, name: str) -> date | None:
        return None if self.get(name) is None else self.day(name)

    def ticked(self, name: str) -> bool:
        return bool(self._of(name, bool, False))

    def names(self, name: str) -> tuple[str, ...]:
        return tuple(str(n) for n in self._of(name, tuple, ()))


def parse(field: Field, raw: str, today: date) -> tuple[object, str]:
    """``(value, what it understood)``; FieldError with a message a person can act on."""
    text = raw.strip()
    if not text:
        if field.required:
            raise FieldError("required")
        return ({"int": None, "nps": None, "money": 0, "hours": 0.0, "date": None, "names": ()}
                .get(field.kind, ""), "")
    if field.kind == "date":
        try:
            day = parse_day(text, today, field.sense)
        except DateParseError as e:  # it quotes what was typed: cleaned for the terminal
            raise FieldError(clean_line(str(e))) from None
        if field.after_today and day <= today:
            raise FieldError(f"{day:%a %d %b %Y}: give a day after today")
        return day, f"= {day:%a %d %b %Y}"
    if field.kind == "month":
        try:
            first = parse_month(text)
        except DocumentError as e:
            raise FieldError(str(e)) from None
        return first, f"= {first:%B %Y}"
    if field.kind == "money":
        if not field.currency:  # the currency field of the form is not valid yet
            raise FieldError("give the currency first (a 3-letter code like USD)")
        try:
            cents = parse_money(text, field.currency)
        except MoneyError as e:
            raise FieldError(clean_line(str(e))) from None
        return cents, f"= {format_money(cents, field.currency)}"
    if field.kind in ("int", "nps"):
        try:
            n = int(text)
        except ValueError:
            raise FieldError("a whole number") from None
        if field.kind == "nps" and not 0 <= n <= 10:
            raise FieldError("NPS is a score from 0 to 10")
        if field.minimum is not None and n < field.minimum:
            raise FieldError(f"at least {field.minimum}")
        return n, ""
    if field.kind == "hours":
        try:
            h = float(text)
        except ValueError:
            raise FieldError("a number of hours, like 4 or 2.5") from None
        if h < 0:
            raise FieldError("must not be negative")
        return h, ""
    if field.kind == "email":
        if not is_email(text):
            raise FieldError(f"{clean_line(text)!r} is not an email address (like "
                             "ana@client.com)")
        return text, ""
    if field.kind == "currency":
        code = text.upper()
        try:
            currency(code)
        except MoneyError as e:
            raise FieldError(str(e)) from None
        return code, ""
    if field.kind == "note":
        if len(raw) > MAX_TEXT:
            raise FieldError(f"{len(raw):,} characters: at most {MAX_TEXT:,} fit")
        return clean_text(raw).strip(), ""
    if field.kind == "names":
        try:
            names = parse_names(clean_line(text))
        except NamesError as e:
            raise FieldError(str(e)) from None
        return names, f"= {len(names)} {'person' if len(names) == 1 else 'people'}"
    if len(text) > MAX_LINE:
        raise FieldError(f"{len(text):,} characters: at most {MAX_LINE} fit on a line")
    return clean_line(text), ""


def placeholder(f: Field) -> str:
    if f.kind == "money" and f.currency:
        return example(f.currency)
    return {"date": "e.g. 2026-12-01, Dec 1, next fri", "money": "e.g. 1,200 or 25k",
            "nps": "0-10", "hours": "e.g. 4"}.get(f.kind, "")
