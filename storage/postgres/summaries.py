"""Each client's assessment as the database keeps it beside its review items (schema v3):
its cadences, signs, health and trend -- what the client list, the team page and the review
show of every client -- without the history it was worked out from. That history is the
client's records, read when the client is opened (:meth:`storage.workspace.Workspace.focus`).

Encoded by the data file's own codecs (``storage.codecs``), so a kept assessment reads back
equal to the one computed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from storage.codecs import encode as encode_value, fast_decoder
from tracker.cadence import Cadence
from tracker.health import Health
from tracker.history import ClientHistory
from tracker.models import Assignment, Client
from tracker.review import ClientAssessment
from tracker.warning_signs import Sign

_cadence: Callable[[Any], Cadence] = fast_decoder(Cadence)
_sign: Callable[[Any], Sign] = fast_decoder(Sign)
_health: Callable[[Any], Health] = fast_decoder(Health)


def encode(a: ClientAssessment) -> dict[str, object]:
    return {"cadences": [encode_value(c) for c in a.cadences],
            "signs": [encode_value(s) for s in a.signs], "health": encode_value(a.health),
            "contacts": list(a.contacts), "scores": list(a.scores)}


def decode(doc: dict[str, Any], client: Client,
           assignments: tuple[Assignment, ...]) -> ClientAssessment:
    """The kept assessment of ``client`` (as read with it: the client and its assignments
    are the history it carries)."""
    return ClientAssessment(
        client=client, history=ClientHistory(client=client, assignments=assignments),
        cadences=tuple(_cadence(c) for c in doc["cadences"]),
        signs=tuple(_sign(s) for s in doc["signs"]), health=_health(doc["health"]),
        contacts=tuple(int(n) for n in doc["contacts"]),
        scores=tuple(int(n) for n in doc["scores"]))
