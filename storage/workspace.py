"""Use cases shared by the command line and the TUI: load, assess, log, fill with the demo."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from storage.database import Settings
from storage.ids import new_id
from storage.repositories import Store
from tracker.demo import make_demo
from tracker.lookup import resolve_client
from tracker.models import Agency, Client, Interaction, InteractionKind
from tracker.review import ClientAssessment, ReviewItem, assess, build_review
from tracker.settings import DEFAULT_THRESHOLDS, Thresholds


class NotEmpty(Exception):
    """The data file already holds an agency."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The agency as read at one moment, with everything the rules derive from it."""

    today: date
    agency: Agency
    assessments: tuple[ClientAssessment, ...]
    review: tuple[ReviewItem, ...]

    def assessment(self, client_id: str) -> ClientAssessment | None:
        return next((a for a in self.assessments if a.client.id == client_id), None)


class Workspace:
    """One data file, the person using it and the clock, as the app and the CLI see them."""

    def __init__(self, path: str | Path, user: str, clock: Callable[[], date],
                 thresholds: Thresholds = DEFAULT_THRESHOLDS,
                 settings: Settings | None = None) -> None:
        self.store = Store(path, settings, author=user)
        self.user = user
        self.clock = clock
        self.thresholds = thresholds

    @property
    def path(self) -> Path:
        return self.store.path

    def snapshot(self, today: date | None = None) -> Snapshot:
        day = today or self.clock()
        agency = self.store.load_agency()
        found = assess(agency, day, self.thresholds)
        return Snapshot(today=day, agency=agency, assessments=found,
                        review=build_review(agency, day, self.thresholds, found))

    def is_empty(self) -> bool:
        return self.store.is_empty()

    def load_demo(self, clients: int = 25, events: int | None = None, seed: int = 7,
                  force: bool = False) -> Agency:
        if not force and not self.store.is_empty():
            raise NotEmpty(f"{self.path} already holds data; use --force to replace it")
        agency = make_demo(self.clock(), clients=clients, events=events, seed=seed)
        self.store.replace_all(agency)
        return agency

    def find_client(self, text: str) -> Client:
        return resolve_client(self.store.clients.all(), text)

    def log(self, client: Client, kind: InteractionKind, on: date, note: str = "") -> Interaction:
        record = Interaction(id=new_id("Interaction"), client_id=client.id, kind=kind, on=on,
                             author=self.user, notes=note)
        return self.store.interactions.save(record)
