"""Documents <-> frozen dataclasses: the one place where field spellings on disk live.

On disk a record is a flat JSON object whose keys are the dataclass field names; dates are
ISO strings, enums their lowercase value, money integer cents, tuples lists, nested records
(contacts, cadence settings) objects. Decoding checks every value and names the record and
field that is wrong; unknown keys are refused rather than silently dropped on the next save.
Converters are built once per record type from its type hints.

Dates lie in :mod:`tracker.dates`' range. What comes from outside (an import) is refused
if one does not (:func:`decode`); the data file's own reader (:func:`fast_decoder`) reads
such a date -- written by an older version or by hand -- as the nearest day in the range,
so that one bad record cannot stop the review, the app or the calendar of everyone on the
file; ``doctor`` names it (:func:`dates_out_of_range`).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable
from datetime import date
from enum import Enum
from typing import Any, TypeVar

from tracker.dates import EARLIEST, LATEST, clamp, in_range

T = TypeVar("T")
Decoder = Callable[[Any], Any]
Encoder = Callable[[Any], Any]


class DecodeError(ValueError):
    """A stored document does not match its record type."""


def _fail(expected: str, value: Any) -> DecodeError:
    shown = repr(value)
    if len(shown) > 40:
        shown = shown[:37] + "..."
    return DecodeError(f"expected {expected}, got {shown}")


def _dec_str(v: Any) -> str:
    if not isinstance(v, str):
        raise _fail("text", v)
    return v


def _dec_int(v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise _fail("a whole number", v)
    return v


def _dec_float(v: Any) -> float:
    if isinstance(v, bool) or not isinstance(v, int | float):
        raise _fail("a number", v)
    return float(v)


def _dec_bool(v: Any) -> bool:
    if not isinstance(v, bool):
        raise _fail("true or false", v)
    return v


def _read_date(v: Any) -> date:
    if not isinstance(v, str):
        raise _fail("a date YYYY-MM-DD", v)
    try:
        return date.fromisoformat(v)
    except ValueError:
        raise _fail("a date YYYY-MM-DD", v) from None


def _dec_date(v: Any) -> date:
    day = _read_date(v)
    if not in_range(day):
        raise _fail(f"a date from {EARLIEST} to {LATEST}", v)
    return day


def _dec_date_lenient(v: Any) -> date:
    return clamp(_read_date(v))


def _enc_date(v: date) -> str:
    return v.isoformat()


def _ident(v: Any) -> Any:
    return v


def _decoder(tp: Any, lenient: bool) -> Decoder:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        inner = _decoder(args[0], lenient)
        return lambda v: None if v is None else inner(v)
    if origin is tuple:
        item = _decoder(typing.get_args(tp)[0], lenient)

        def dec_tuple(v: Any) -> tuple[Any, ...]:
            if not isinstance(v, list):
                raise _fail("a list", v)
            return tuple(item(x) for x in v)

        return dec_tuple
    if isinstance(tp, type) and issubclass(tp, Enum):
        values = {m.value: m for m in tp}

        def dec_enum(v: Any) -> Any:
            try:
                return values[v]
            except (KeyError, TypeError):
                raise _fail("one of " + ", ".join(map(str, values)), v) from None

        return dec_enum
    if dataclasses.is_dataclass(tp):
        return lambda v: decode(tp, v, lenient=lenient)  # type: ignore[arg-type]
    simple: dict[Any, Decoder] = {str: _dec_str, int: _dec_int, float: _dec_float,
                                  bool: _dec_bool,
                                  date: _dec_date_lenient if lenient else _dec_date}
    return simple[tp]


def _encoder(tp: Any) -> Encoder:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        inner = _encoder(args[0])
        return lambda v: None if v is None else inner(v)
    if origin is tuple:
        item = _encoder(typing.get_args(tp)[0])
        return lambda v: [item(x) for x in v]
    if isinstance(tp, type) and issubclass(tp, Enum):
        return lambda v: v.value
    if dataclasses.is_dataclass(tp):
        return encode
    if tp is date:
        return _enc_date
    if tp is float:
        return float
    return _ident


Plan = tuple[tuple[str, Decoder, Encoder, bool], ...]
_PLANS: dict[tuple[type, bool], Plan] = {}


def _plan(cls: type, lenient: bool = False) -> Plan:
    plan = _PLANS.get((cls, lenient))
    if plan is None:
        plan = _PLANS[cls, lenient] = _make_plan(cls, lenient)
    return plan


def _make_plan(cls: type, lenient: bool) -> Plan:
    hints = typing.get_type_hints(cls)
    plan = []
    for f in dataclasses.fields(cls):
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        plan.append((f.name, _decoder(hints[f.name], lenient), _encoder(hints[f.name]),
                     required))
    return tuple(plan)


class _Slow(Exception):
    """The fast decoder met something unusual: let the checking decoder explain it."""


def _bad() -> Any:
    raise _Slow


def _fast_expr(tp: Any, src: str, ns: dict[str, Any], depth: int = 0) -> str:
    """A Python expression that converts ``src`` to ``tp`` or raises (any exception)."""
    v = f"_v{depth}"
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        inner = next(a for a in typing.get_args(tp) if a is not type(None))
        return f"(None if ({v} := {src}) is None else {_fast_expr(inner, v, ns, depth + 1)})"
    if origin is tuple:
        item = _fast_expr(typing.get_args(tp)[0], f"_x{depth}", ns, depth + 1)
        return (f"(tuple([{item} for _x{depth} in {v}]) if type({v} := {src}) is list "
                "else _bad())")
    if isinstance(tp, type) and issubclass(tp, Enum):
        name = f"_E_{tp.__name__}"
        ns[name] = {m.value: m for m in tp}
        return f"{name}[{src}]"
    if dataclasses.is_dataclass(tp):
        name = f"_D_{getattr(tp, '__name__', 'nested')}"
        ns[name] = _fast(tp)  # type: ignore[arg-type]
        return f"{name}({src})"
    if tp is date:  # a day outside the range is read as the nearest one in it
        d = f"_d{depth}"
        return (f"(({d} if _LO <= ({d} := _date({v})) <= _HI else _clamp({d})) "
                f"if type({v} := {src}) is str else _bad())")
    if tp is float:
        return f"(float({v}) if type({v} := {src}) is int or type({v}) is float else _bad())"
    name = {str: "str", int: "int", bool: "bool"}[tp]
    return f"({v} if type({v} := {src}) is {name} else _bad())"


_FAST: dict[type, Callable[[Any], Any]] = {}


def _fast(cls: type) -> Callable[[Any], Any]:
    """A decoder generated for ``cls``: straight-line code, no per-field calls."""
    fn = _FAST.get(cls)
    if fn is not None:
        return fn
    hints = typing.get_type_hints(cls)
    ns: dict[str, Any] = {"_cls": cls, "_bad": _bad, "_date": date.fromisoformat,
                          "_LO": EARLIEST, "_HI": LATEST, "_clamp": clamp,
                          "_known": frozenset(f.name for f in dataclasses.fields(cls))}
    fields = dataclasses.fields(cls)
    if hasattr(cls, "__post_init__") or not hasattr(cls, "__slots__"):
        # __init__ must run: no shortcut
        fn = _FAST[cls] = lambda doc: decode(cls, doc, lenient=True)
        return fn
    # Documents we write carry every field, so a complete document with the right number
    # of keys is decoded by straight-line code: each value checked inline and stored through
    # its slot (twice as fast as the frozen dataclass's __init__, which we do not need to
    # re-run: the values are exactly what it would store). Anything else takes the checking
    # path, which explains what is wrong.
    lines = ["def _decode(doc):",
             f"    if type(doc) is not dict or len(doc) != {len(fields)}: return _slow(doc)",
             "    o = _new(_cls)"]
    for f in fields:
        ns[f"_set_{f.name}"] = getattr(cls, f.name).__set__
        lines.append(f"    _set_{f.name}(o, {_fast_expr(hints[f.name], f'doc[{f.name!r}]', ns)})")
    lines.append("    return o")
    ns["_new"] = object.__new__
    ns["_slow"] = lambda doc: decode(cls, doc, lenient=True)
    exec("\n".join(lines), ns)
    fn = _FAST[cls] = ns["_decode"]
    return fn  # type: ignore[no-any-return]


def fast_decoder(cls: type[T]) -> Callable[[Any], T]:
    """The data file's decoder for ``cls``: fast on complete, well-formed documents, and
    exactly ``decode(cls, doc, lenient=True)`` (same values, same errors) on any other."""
    fast = _fast(cls)

    def decode_one(doc: Any) -> T:
        try:
            return fast(doc)  # type: ignore[no-any-return]
        except Exception:  # explain it (or decode it) the careful way
            return decode(cls, doc, lenient=True)

    return decode_one


def decode_fast(cls: type[T], doc: Any) -> T:
    return fast_decoder(cls)(doc)


def encode(record: Any) -> dict[str, Any]:
    """A record as a JSON-ready dict (field name -> plain value)."""
    return {name: enc(getattr(record, name)) for name, _, enc, _ in _plan(type(record))}


def decode(cls: type[T], doc: Any, *, lenient: bool = False) -> T:
    """Build ``cls`` from a stored document, or raise :class:`DecodeError` naming the field.

    A date outside the range is an error, or with ``lenient`` (the data file's own records)
    read as the nearest day in it."""
    if not isinstance(doc, dict):
        raise DecodeError(f"{cls.__name__}: expected an object, got {type(doc).__name__}")
    plan = _plan(cls, lenient)
    known = {name for name, *_ in plan}
    extra = [k for k in doc if k not in known]
    if extra:
        raise DecodeError(f"{cls.__name__}: unknown field {extra[0]!r}")
    kwargs = {}
    for name, dec, _, required in plan:
        if name not in doc:
            if required:
                raise DecodeError(f"{cls.__name__}: field {name!r} is missing")
            continue
        try:
            kwargs[name] = dec(doc[name])
        except DecodeError as e:
            raise DecodeError(f"{cls.__name__}.{name}: {e}") from None
    return cls(**kwargs)


def dates_out_of_range(cls: type, doc: Any) -> list[str]:
    """``field value`` for each date of a stored document outside the range (which the
    data file's reader moves into it), for ``doctor``."""
    if not isinstance(doc, dict):
        return []
    hints = typing.get_type_hints(cls)
    found = []
    for f in dataclasses.fields(cls):
        if hints[f.name] in (date, date | None) and isinstance(doc.get(f.name), str):
            try:
                day = date.fromisoformat(doc[f.name])
            except ValueError:
                continue  # not a date at all: the decoder reports that
            if not in_range(day):
                found.append(f"{f.name} {doc[f.name]}")
    return found
