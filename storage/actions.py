"""Every change a person makes, as one atomic save each: the write side of a workspace.

A save of a record that someone else saved meanwhile is merged (:mod:`tracker.merge`); only
fields both changed differently wait for the person's choice (:class:`Unmerged`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, TypeVar

from storage.errors import Conflict, StorageError
from storage.ids import new_id
from tracker import attention, entries, roster
from tracker.decisions import Expansion, ScopeDraft, expand, small_favour, stay_focused
from tracker.merge import Merged, merge, settle
from tracker.models import (
    AccessGrant,
    Activity,
    Assignment,
    BudgetChange,
    ChangeRequest,
    Client,
    ClientStatus,
    FeeKind,
    Interaction,
    InteractionKind,
    NpsResponse,
    Outcome,
    ScopeItem,
    ScopeStatus,
    SignState,
    Snooze,
    TeamMember,
)
from tracker.ownership import records_of
from tracker.record_types import Record, as_type
from tracker.warning_signs import Sign

if TYPE_CHECKING:
    from storage.contract import Storage

R = TypeVar("R", bound=Record)


class Unmerged(StorageError):
    """Someone saved the same record meanwhile and changed some of the same fields
    differently: those fields (``merged.clashes``) wait for the person's choice."""

    def __init__(self, merged: Merged[Record], theirs: Record, by: str, at: str,
                 others: Sequence[Record] = (), deletes: Sequence[Record] = ()) -> None:
        fields = ", ".join(c.path for c in merged.clashes)
        super().__init__(f"{type(theirs).__name__} {theirs.id}: {by or 'someone'} changed "
                         f"{fields} meanwhile")
        self.merged, self.theirs, self.by, self.at = merged, theirs, by, at
        self.others, self.deletes = tuple(others), tuple(deletes)  # the rest of the save


#: How many times a save is merged again when others keep saving the same record meanwhile.
MERGE_ROUNDS = 5


class Actions:
    """Every change ``user`` makes to ``store``, as one atomic save each (through its one
    :meth:`storage.contract.Storage.save`), on the day ``clock`` says.

    A save of a record that someone else saved meanwhile is merged (:mod:`tracker.merge`):
    what this person changed since ``bases`` (the versions they started from) goes on top of
    what is stored now; only fields both changed differently raise :class:`Unmerged`."""

    def __init__(self, store: Storage, user: str, clock: Callable[[], date]) -> None:
        self.store, self.user, self.clock = store, user, clock

    def _save(self, *records: Record, deletes: Sequence[Record] = (),
              bases: Sequence[Record | None] = ()) -> list[Record]:
        started = {b.id: b for b in bases if b is not None}
        pending = list(records)
        for _ in range(MERGE_ROUNDS):
            try:
                return self._commit(pending, deletes)
            except Conflict as e:
                base = started.get(e.mine.id)
                if base is None or e.theirs is None or type(base) is not type(e.theirs) or \
                        not any(r is e.mine for r in pending):
                    raise  # nothing to merge from: a new record, or deleted meanwhile
                merged = merge(base, e.mine, e.theirs)
                if merged.clashes:
                    by, at = self._last_change(e.theirs)
                    raise Unmerged(merged, e.theirs, by, at,
                                   [r for r in pending if r is not e.mine], deletes) from None
                pending = [merged.record if r is e.mine else r for r in pending]
                started[e.mine.id] = e.theirs  # if they save again, merge from here
        return self._commit(pending, deletes)

    def settle(self, clash: Unmerged, keep_mine: Collection[str]) -> list[Record]:
        """Save a clash as the person chose, field by field (mine where ``keep_mine``),
        with the rest of the save it interrupted; merged again if they saved again."""
        record = settle(clash.merged, keep_mine)
        return self._save(record, *clash.others, deletes=clash.deletes, bases=(clash.theirs,))

    def _commit(self, records: list[Record], deletes: Sequence[Record]) -> list[Record]:
        return self.store.save(records, list(deletes))

    def _last_change(self, record: Record) -> tuple[str, str]:
        """Who saved ``record`` last, and when (UTC ISO), from the audit trail."""
        owner = record.id if isinstance(record, Client) else getattr(record, "client_id", "")
        trail = self.store.history(owner or None)
        last = next((e for e in reversed(trail) if e.record_id == record.id), None)
        return (last.by, last.at) if last else ("", "")

    def today(self) -> date:
        return self.clock()

    # --- interactions and signal events ---------------------------------------------

    def log(self, client: Client, kind: InteractionKind, on: date | None = None,
            note: str = "", ours: Sequence[str] = (), theirs: Sequence[str] = ()) -> Interaction:
        """Record an interaction; for a call, who attended (ours and theirs)."""
        record = Interaction(id=new_id("Interaction"), client_id=client.id, kind=kind,
                             on=on or self.today(), author=self.user, notes=note,
                             attendees_ours=tuple(ours), attendees_theirs=tuple(theirs))
        return self.save(record)

    def nps(self, client: Client, score: int, comment: str = "",
            on: date | None = None) -> NpsResponse:
        return self.save(NpsResponse(id=new_id("NpsResponse"), client_id=client.id,
                                          on=on or self.today(), score=score, comment=comment))

    def budget(self, client: Client, old_cents: int, new_cents: int, reason: str = "",
               savings: bool = False, on: date | None = None) -> BudgetChange:
        return self.save(BudgetChange(
            id=new_id("BudgetChange"), client_id=client.id, on=on or self.today(),
            old_cents=old_cents, new_cents=new_cents, reason=reason, savings_we_created=savings))

    def activity(self, client: Client, title: str, *, test: bool = False, result: str = "",
                 outcome: Outcome = Outcome.OPEN, on: date | None = None) -> Activity:
        return self.save(Activity(id=new_id("Activity"), client_id=client.id,
                                  on=on or self.today(), title=title, test=test,
                                  result=result, outcome=outcome))

    def access(self, client: Client, who: str, account: str = "",
               on: date | None = None) -> AccessGrant:
        return self.save(AccessGrant(id=new_id("AccessGrant"), client_id=client.id,
                                          on=on or self.today(), who=who, account=account))

    def contact_change(self, client: Client, new_name: str, title: str = "",
                       on: date | None = None) -> Client:
        """The main contact changed (see :func:`tracker.roster.contact_change`)."""
        updated, change = roster.contact_change(client, new_name, title, on or self.today(),
                                                new_id)
        if change is None:
            return self.save(updated, base=client)
        saved = self._save(updated, change, bases=(client,))
        return as_type(Client, saved[0])

    # --- warning signs and review items ---------------------------------------------

    def _state(self, sign: Sign) -> SignState:
        return attention.sign_state(
            sign, self.store.client_records(sign.client_id).sign_states, new_id)

    def acknowledge(self, sign: Sign, note: str) -> SignState:
        base = self._state(sign)
        return self.save(attention.acknowledge(base, note, self.today(), self.user), base=base)

    def resolve(self, sign: Sign, note: str = "") -> SignState:
        base = self._state(sign)
        return self.save(attention.resolve(base, note, self.today(), self.user), base=base)

    def snooze(self, item_key: str, until: date) -> Snooze:
        current = attention.snoozed(self.store.snoozes.all(), item_key)
        record = attention.snooze(current, item_key, until, self.today(), self.user, new_id)
        return self.save(record, base=current)

    # --- change requests ------------------------------------------------------------

    def new_request(self, client: Client, description: str, requested_by: str = "",
                    hours: float = 0.0, fee_cents: int = 0, on: date | None = None,
                    fee_kind: FeeKind = FeeKind.MONTHLY) -> ChangeRequest:
        return self.save(ChangeRequest(
            id=new_id("ChangeRequest"), client_id=client.id, requested_on=on or self.today(),
            requested_by=requested_by, description=description, estimated_hours=hours,
            fee_cents=fee_cents, fee_kind=fee_kind))

    def _decide(self, make: Callable[[], Sequence[Record]]) -> list[Record]:
        """A decision is made on the request and the fee as stored now: if someone saved
        either meanwhile, it is made again on theirs (and refused if they decided it)."""
        for attempt in range(MERGE_ROUNDS):
            try:
                return self._commit(list(make()), ())
            except Conflict:
                if attempt == MERGE_ROUNDS - 1:
                    raise
        raise AssertionError("unreachable")

    def expand(self, client: Client, cr: ChangeRequest,
               drafts: Sequence[ScopeDraft]) -> Expansion:
        """Expand scope: request, new scope items and the new fee saved together."""
        store = self.store

        def make() -> list[Record]:
            out = expand(store.clients.get(client.id), store.change_requests.get(cr.id),
                         drafts, self.today(), self.user, lambda: new_id("ScopeItem"))
            return [out.request, out.client, *out.items]

        saved = self._decide(make)
        return Expansion(request=as_type(ChangeRequest, saved[0]),
                         client=as_type(Client, saved[1]),
                         items=tuple(as_type(ScopeItem, s) for s in saved[2:]))

    def stay_focused(self, cr: ChangeRequest, reason: str) -> ChangeRequest:
        get = self.store.change_requests.get
        (saved,) = self._decide(lambda: [stay_focused(get(cr.id), reason, self.today(),
                                                      self.user)])
        return as_type(ChangeRequest, saved)

    def small_favour(self, cr: ChangeRequest, note: str = "") -> ChangeRequest:
        get = self.store.change_requests.get
        (saved,) = self._decide(lambda: [small_favour(get(cr.id), self.today(), self.user,
                                                      note)])
        return as_type(ChangeRequest, saved)

    def keep_document(self, cr: ChangeRequest, kind: str, text: str) -> ChangeRequest:
        """The change order or stay-focused reply that was sent, kept on its request (once:
        the same text marked sent again the same day changes nothing)."""
        kept = entries.kept_document(cr, kind, text, self.today())
        return cr if kept is cr else self.save(kept, base=cr)

    def summary_sent(self, client: Client, text: str) -> Interaction:
        """The call summary went out: logged with its text (clears the Review item). The
        same summary marked sent again the same day is not logged twice."""
        same = entries.summary_logged(
            self.store.client_records(client.id).interactions, client, text, self.today())
        return same or self.log(client, InteractionKind.CALL_SUMMARY_SENT, note=text)

    # --- clients, scope, team -------------------------------------------------------

    def save_all(self, records: Sequence[Record]) -> list[Record]:
        """Create many records in one change set: all of them are saved, or none."""
        return self._save(*records)

    def save(self, record: R, base: R | None = None) -> R:
        """Create or update one record; ``base``: the version the change was made from
        (a save over someone else's meanwhile is then merged, see :class:`Actions`)."""
        if isinstance(record, Client):
            roster.check_client_name(record, self.store.clients.all())
        if isinstance(record, TeamMember):
            roster.check_member_name(record, self.store.members.all())
        (saved,) = self._save(record, bases=(base,) if base is not None else ())
        return as_type(type(record), saved)

    def delete(self, record: Record) -> None:
        """Delete one record (an entry made by mistake); the audit trail keeps who and when,
        and its fields. Refused (Conflict) if someone changed it meanwhile."""
        self._save(deletes=[record])

    def delete_client(self, client: Client) -> int:
        """Delete a client with every record of its, in one change; how many went."""
        doomed = records_of(self.store.client_records(client.id), client.id)
        self._save(deletes=doomed)
        return len(doomed)

    def remove_member(self, member: TeamMember) -> int:
        """Take a person off the team (added by mistake, or gone): with their assignments,
        in one change; the clients they covered show as thinly covered. How many went."""
        doomed = roster.leaving(member, self.store.assignments.all())
        self._save(deletes=[*doomed, member])
        return len(doomed)

    def archive(self, client: Client) -> Client:
        return self.save(replace(client, status=ClientStatus.CHURNED), base=client)

    def set_scope_status(self, item: ScopeItem, status: ScopeStatus) -> ScopeItem:
        return self.save(replace(item, status=status), base=item)

    def assign(self, client: Client, member: TeamMember) -> Assignment:
        return self.save(roster.assignment(client, member, self.store.assignments.all(),
                                           self.today(), new_id))

    def unassign(self, assignment: Assignment) -> None:
        self._save(deletes=[assignment])
