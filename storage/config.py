"""Configuration: TOML files in layers, then the environment, then flags — later ones win.

1. the system file (the shared server's admin): ``/etc/scopekeeper/config.toml`` unless the
   composition root names another (``$SCOPEKEEPER_SYSTEM_CONFIG``, for tests);
2. ``$XDG_CONFIG_HOME/scopekeeper/config.toml`` (``~/.config/...``) — the user's file;
3. ``--config FILE``, else ``$SCOPEKEEPER_CONFIG`` — one more file, e.g. for a second agency;
4. the environment: ``$SCOPEKEEPER_DB`` (the data file, or a PostgreSQL URL);
5. flags: ``--db``, ``--color``, ``--no-mouse``.

Every value is checked; an unknown key or a bad value is an error naming the file, the key
and the reason. :func:`load` returns the effective :class:`Config` and where each value
came from (``scopekeeper config`` prints it). Paths in a file are relative to that file.
The environment and the home directory are handed in (:class:`storage.paths.Places`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from storage.access import os_problem
from storage.config_values import (
    Bad,
    Checker,
    Where,
    key_list,
    number_value,
    one_of,
    path_value,
    text_value,
    true_or_false,
    url_value,
    whole_number,
)
from storage.errors import StorageError
from storage.keymap import Known, keymap_problems
from storage.locations import DatabaseUrl, Location, check_password_file, data_file
from storage.paths import Places, data_path
from tracker.settings import ThresholdError, Thresholds

if TYPE_CHECKING:
    from tracker.models import CadenceSettings


class ConfigError(StorageError):
    pass


def user_config_dir(places: Places) -> Path:
    """``$XDG_CONFIG_HOME/scopekeeper`` or ``~/.config/scopekeeper``."""
    return places.xdg("XDG_CONFIG_HOME", ".config")


def config_path(flag: str | None, places: Places) -> Path:
    """The file a person edits: ``--config``, else ``$SCOPEKEEPER_CONFIG``, else theirs."""
    if flag:
        return places.expand(flag)
    if places.var("SCOPEKEEPER_CONFIG"):
        return places.expand(places.var("SCOPEKEEPER_CONFIG"))
    return user_config_dir(places) / "config.toml"


# --- the schema: section -> key -> checker(value, file) -> checked value -----------------

def _threshold_checkers() -> dict[str, Checker]:
    return {f.name: (number_value(0, 1000) if f.type in (float, "float")
                     else whole_number(0, 3650)) for f in fields(Thresholds)}


SCHEMA: dict[str, dict[str, Checker]] = {
    "data": {"path": path_value, "url": url_value, "password_file": path_value,
             "shared": one_of("auto", "yes", "no")},
    "agency": {"name": text_value},
    "thresholds": _threshold_checkers(),
    "cadence": {"status_call": one_of("weekly", "biweekly", "monthly", "none"),
                "monthly_report": true_or_false, "min_contact_days": whole_number(1, 365),
                "visit_min_days": whole_number(1, 365),
                "visit_max_days": whole_number(1, 365)},
    "templates": {"dir": path_value},
    "ui": {"color": one_of("auto", "16", "256", "truecolor"), "mouse": true_or_false,
           "escdelay": whole_number(0, 2000)},
    "keymap": {},  # binding id -> keys; ids are checked against the app's (see load)
}

CADENCE_DEFAULTS: dict[str, Any] = {"status_call": "weekly", "monthly_report": True,
                                    "min_contact_days": 30, "visit_min_days": 42,
                                    "visit_max_days": 56}


@dataclass(frozen=True, slots=True, kw_only=True)
class Config:
    location: Location  # a data file, or a PostgreSQL database (storage.locations)
    password_file: Path | None = None  # handed to libpq as ``passfile``
    shared: str = "auto"  # "auto": group-shared when the data directory is setgid
    agency_name: str = ""
    thresholds: Thresholds = field(default_factory=Thresholds)
    cadence: Mapping[str, Any] = field(default_factory=lambda: dict(CADENCE_DEFAULTS))
    keymap: Mapping[str, str] = field(default_factory=dict)
    templates: Path | None = None
    color: str = "auto"
    mouse: bool = True
    escdelay: int = 250
    files: tuple[Path, ...] = ()  # the files read, in order
    sources: Mapping[str, str] = field(default_factory=dict)  # "section.key" -> where from

    def cadence_settings(self) -> CadenceSettings:
        """The cadence a new client starts with."""
        from tracker.models import CadenceSettings, CallFrequency

        c = self.cadence
        return CadenceSettings(status_call=CallFrequency(c["status_call"]),
                               monthly_report=c["monthly_report"],
                               min_contact_days=c["min_contact_days"],
                               visit_min_days=c["visit_min_days"],
                               visit_max_days=c["visit_max_days"])

    @property
    def data_path(self) -> Path:
        """The data file; a database is refused (:class:`storage.locations.NotAFile`) by
        whatever asks for a file without saying what it is for."""
        return data_file(self.location, "this", "see 'scopekeeper --help'")

    def storage_location(self) -> str | Path:
        """What the storage backend is opened with (storage.backends.open_storage)."""
        if isinstance(self.location, DatabaseUrl):
            return DatabaseUrl(self.location.url, self.password_file).conninfo()
        return self.location

    def shared_mode(self) -> bool | None:
        return {"auto": None, "yes": True, "no": False}[self.shared]

    def values(self) -> dict[str, Any]:
        """Every setting by ``section.key``, as ``scopekeeper config`` shows it."""
        where = ({"data.url": str(self.location), "data.password_file": self.password_file}
                 if isinstance(self.location, DatabaseUrl) else {"data.path": self.location})
        out: dict[str, Any] = where | {"data.shared": self.shared,
                                       "agency.name": self.agency_name}
        out |= {f"thresholds.{f.name}": getattr(self.thresholds, f.name)
                for f in fields(Thresholds)}
        out |= {f"cadence.{k}": v for k, v in self.cadence.items()}
        out |= {"templates.dir": self.templates, "ui.color": self.color, "ui.mouse": self.mouse,
                "ui.escdelay": self.escdelay}
        out |= {f"keymap.{k}": v for k, v in sorted(self.keymap.items())}
        return out


def read_file(path: Path, home: Path, required: bool = False) -> dict[str, dict[str, Any]]:
    """One file, checked against the schema; ``{}`` if it does not exist (unless required).
    ``~`` in a path value is ``home``."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        if required:
            raise ConfigError(f"{path}: no such file") from None
        return {}
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a directory, not a TOML file") from None
    except OSError as e:
        raise ConfigError(os_problem(e, path, "read")) from None
    import tomllib

    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path}: not valid TOML ({e})") from None
    checked: dict[str, dict[str, Any]] = {}
    for section, table in data.items():
        if section not in SCHEMA:
            raise ConfigError(f"{path}: {section}: unknown section (known: "
                              f"{', '.join(SCHEMA)})")
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: {section}: must be a table, e.g. [{section}]")
        keys = SCHEMA[section]
        out = checked[section] = {}
        for key, value in table.items():
            if section == "keymap":
                check: Checker = key_list
            elif key in keys:
                check = keys[key]
            else:
                raise ConfigError(f"{path}: {section}.{key}: unknown key (known: "
                                  f"{', '.join(keys)})")
            try:
                out[key] = check(value, Where(path, home))
            except Bad as e:
                raise ConfigError(f"{path}: {section}.{key}: {e}") from None
    if {"path", "url"} <= checked.get("data", {}).keys():
        raise ConfigError(f"{path}: data: give data.path (a data file) or data.url (a "
                          "PostgreSQL database), not both")
    return checked


def load(places: Places, system_file: Path | None, flag_config: str | None = None,
         flag_db: str | None = None, flag_color: str | None = None,
         flag_no_mouse: bool = False) -> Config:
    """The effective configuration and where each value came from. ``system_file`` None:
    there is none."""
    merged: dict[str, dict[str, Any]] = {s: {} for s in SCHEMA}
    sources: dict[str, str] = {}
    user = user_config_dir(places) / "config.toml"
    extra = config_path(flag_config, places) if (
        flag_config or places.var("SCOPEKEEPER_CONFIG")) else None
    files = ([system_file] if system_file is not None else []) + [user] + (
        [extra] if extra is not None and extra != user else [])
    read: list[Path] = []
    for path in files:
        data = read_file(path, places.home, required=path is extra)
        if data or path.exists():
            read.append(path)
        for section, table in data.items():
            if section == "data" and {"path", "url"} & table.keys():  # one place: the last
                for key in ("path", "url"):
                    merged["data"].pop(key, None)
                    sources.pop(f"data.{key}", None)
            for key, value in table.items():
                merged[section][key] = value
                sources[f"{section}.{key}"] = str(path)
    from_file: Location | None = merged["data"].get("path") or merged["data"].get("url")
    given = "--db" if flag_db else "$SCOPEKEEPER_DB" if places.var("SCOPEKEEPER_DB") else ""
    db = data_path(flag_db, places) if given or from_file is None else from_file
    if given:
        for key in ("data.path", "data.url"):
            sources.pop(key, None)
        sources["data.url" if isinstance(db, DatabaseUrl) else "data.path"] = given
    password_file = merged["data"].get("password_file")
    if password_file is not None and isinstance(db, DatabaseUrl):
        problem = check_password_file(password_file)
        if problem or "passfile=" in db.url:
            raise ConfigError(f"{sources['data.password_file']}: data.password_file: "
                              f"{problem or 'the URL names a passfile already; keep one'}")
    if flag_color:
        merged["ui"]["color"] = flag_color
        sources["ui.color"] = "--color"
    if flag_no_mouse:
        merged["ui"]["mouse"] = False
        sources["ui.mouse"] = "--no-mouse"
    cadence = dict(CADENCE_DEFAULTS) | merged["cadence"]
    if cadence["visit_max_days"] < cadence["visit_min_days"]:
        where = sources.get("cadence.visit_max_days") or sources.get("cadence.visit_min_days")
        raise ConfigError(f"{where}: cadence.visit_max_days: must not be less than "
                          f"visit_min_days ({cadence['visit_min_days']})")
    keymap = merged["keymap"]
    try:
        thresholds = Thresholds(**merged["thresholds"])
    except ThresholdError as e:  # e.g. a detractor band above the passive one
        where = sources.get(f"thresholds.{e.name}") or next(
            (v for k, v in sources.items() if k.startswith("thresholds.")), "config")
        raise ConfigError(f"{where}: thresholds.{e}") from None
    return Config(
        location=db, password_file=password_file, shared=merged["data"].get("shared", "auto"),
        agency_name=merged["agency"].get("name", ""),
        thresholds=thresholds, cadence=cadence, keymap=dict(keymap),
        templates=merged["templates"].get("dir", user_config_dir(places) / "templates"),
        color=merged["ui"].get("color", "auto"), mouse=merged["ui"].get("mouse", True),
        escdelay=merged["ui"].get("escdelay", 250), files=tuple(read), sources=sources)


# --- the keymap: every id must exist, and one key means one thing where it is pressed ---

def _check_keymap(keymap: Mapping[str, str], known: Known | Callable[[], Known],
                  where: Callable[[str], str]) -> None:
    for binding_id, message in keymap_problems(keymap, known):
        raise ConfigError(f"{where(binding_id)}: {message}")


def check_keymap(cfg: Config, known: Known | Callable[[], Known]) -> None:
    """Every remapped binding id must exist and no key may mean two things where it is
    pressed (``known`` is called only if a keymap is set; see storage/keymap.py)."""
    _check_keymap(cfg.keymap, known, lambda key: cfg.sources[f"keymap.{key}"])


def load_keymap(path: Path, home: Path, known: Known | Callable[[], Known],
                required: bool = False) -> dict[str, str]:
    """The ``[keymap]`` table of one file, checked like :func:`check_keymap`."""
    keymap = read_file(path, home, required).get("keymap", {})
    _check_keymap(keymap, known, lambda _key: str(path))
    return dict(keymap)
