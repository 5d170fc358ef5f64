"""A realistic, deterministic demo agency: same seed and day, same agency.

The first clients each show one situation the app exists for (every warning sign, every
cadence kind overdue or due, pending change requests, favours, NPS history); the rest are
ordinary clients with a steady history, so the review is not all alarms. It scales to
hundreds of clients and a hundred thousand interactions in a few seconds.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta

from tracker.demo_builder import Builder
from tracker.demo_words import ACTIVITIES, CITIES, FIRST, PEOPLE, REQUESTS, SCOPE, SECOND
from tracker.models import (
    AccessGrant,
    Activity,
    Agency,
    Assignment,
    BudgetChange,
    CadenceSettings,
    CallFrequency,
    ChangeRequest,
    ChangeStatus,
    Client,
    ClientStatus,
    Contact,
    ContactChange,
    InteractionKind,
    NpsResponse,
    Outcome,
    Role,
    ScopeItem,
    ScopeOrigin,
    ScopeStatus,
    SignState,
    TeamMember,
)

K = InteractionKind





def _names(rng: random.Random, n: int) -> list[str]:
    first = [f"{a} {b}" for a, b in zip(FIRST, SECOND, strict=True)]
    taken = set(first) | {"Vantage Games"}  # the churned client's name (see below)
    rest = [f"{a} {b}" for a in FIRST for b in SECOND if f"{a} {b}" not in taken]
    rng.shuffle(rest)
    names = first + rest
    while len(names) < n:  # beyond 1,600 clients number them
        names.append(f"{rng.choice(FIRST)} {rng.choice(SECOND)} {len(names) + 1}")
    return names[:n]


def _team(b: Builder, n_clients: int) -> tuple[list[TeamMember], list[TeamMember]]:
    b.members.append(TeamMember(id=b.id("mem"), name="Olivia Grant", role=Role.OWNER,
                                login="olivia"))
    pms = [TeamMember(id=b.id("mem"), name=p, role=Role.PM,
                      login=p.split()[0].lower())
           for p in ("Priya Shah", "Marcus Bell", "Julia Stone", "Theo Lang")[: max(2, min(
               4, n_clients // 10))]]
    for i in range(len(pms), max(2, n_clients // 12)):
        pms.append(TeamMember(id=b.id("mem"), name=f"PM {i + 1}", role=Role.PM,
                              login=f"pm{i + 1}"))
    n_analysts = max(2, 1 + -(-(n_clients - 5) // 3))
    base = ("Ana Souza", "Ben Okafor", "Chen Wei", "Dara Quinn", "Eli Moreno", "Fatima Noor",
            "Gus Lind", "Holly Park", "Ivan Sokol")
    analysts = [TeamMember(id=b.id("mem"), name=base[i] if i < len(base) else f"Analyst {i + 1}",
                           role=Role.ANALYST,
                           login=(base[i].split()[0].lower() if i < len(base) else f"an{i + 1}"))
                for i in range(n_analysts)]
    b.members += pms + analysts
    return pms, analysts


def _client(b: Builder, name: str, i: int, *, remote: bool = False, days_old: int | None = None,
            freq: CallFrequency | None = None) -> Client:
    rng = b.rng
    contact = Contact(id=b.id("con"), name=PEOPLE[i % len(PEOPLE)], title="Marketing Director",
                      email=f"{PEOPLE[i % len(PEOPLE)].split()[0].lower()}@example.com")
    other = Contact(id=b.id("con"), name=PEOPLE[(i + 7) % len(PEOPLE)], title="CEO")
    fee = rng.choice((2_500, 4_000, 6_500, 9_000, 12_000, 25_000)) * 100
    if freq is None:
        freq = rng.choice((CallFrequency.WEEKLY, CallFrequency.BIWEEKLY, CallFrequency.BIWEEKLY))
    slug = name.lower().replace(" ", "-")
    return Client(
        id=b.id("cli"), name=name, status=ClientStatus.ACTIVE, remote=remote,
        location=rng.choice(CITIES) if remote else "", fee_cents=fee, currency="USD",
        start_date=b.ago(days_old if days_old is not None else rng.randint(200, 720)),
        primary_contact=contact, contacts=(other,), channel_url=f"https://agency.slack.com/archives/{slug}",
        comm_rules="No unscheduled calls: questions go to the channel." if
        freq is CallFrequency.WEEKLY else "Budget changes by email, a week ahead.",
        cadence=CadenceSettings(status_call=freq),
    )


_FREQ_DAYS = {CallFrequency.WEEKLY: 7, CallFrequency.BIWEEKLY: 14, CallFrequency.MONTHLY: 30}


def _history(b: Builder, c: Client, budget: int, *, quiet_days: int = 0,
             skip_call_days: int = 0, question_rate: float = 0.05) -> None:
    """A steady past: calls with summaries, monthly reports, some email and questions.

    Walks back from today until about ``budget`` interactions are logged; the client's start
    date becomes the day its history begins.
    ``quiet_days``: nothing at all in the last N days; ``skip_call_days``: no calls in them.
    """
    rng = b.rng
    step = _FREQ_DAYS.get(c.cadence.status_call, 30)
    count = 0
    day = b.ago(rng.randint(0, max(0, step - 2)) + max(quiet_days, skip_call_days))
    floor = b.ago(3650)  # walk back until the budget is spent (ten years at most)
    while day >= floor and count < budget:
        if c.cadence.status_call is not CallFrequency.NONE:
            b.log(c, K.STATUS_CALL, day, "Weekly numbers reviewed; next tests agreed.")
            b.log(c, K.CALL_SUMMARY_SENT, day + timedelta(days=rng.randint(0, 1)))
            count += 2
        for back in range(step):
            d = day - timedelta(days=back)
            if rng.random() < 0.12:
                b.log(c, K.EMAIL, d)
                count += 1
            if rng.random() < question_rate:
                b.log(c, K.QUESTION, d, "Asked about last week's results.")
                count += 1
        day -= timedelta(days=step)
    began = day
    report = b.ago(rng.randint(0, 20) + quiet_days)
    while report >= began:
        b.log(c, K.MONTHLY_REPORT_SENT, report)
        report -= timedelta(days=30)
    b.update(replace(c, start_date=began))  # the relationship starts where its history does
    if quiet_days or skip_call_days:
        cut = b.ago(quiet_days or skip_call_days)
        b.interactions = [
            i for i in b.interactions
            if i.client_id != c.id or i.on <= cut
            or (skip_call_days and not quiet_days and i.kind not in (K.STATUS_CALL,
                                                                   K.CALL_SUMMARY_SENT))
        ]


def _scope(b: Builder, c: Client) -> None:
    for title, deliverable, metric in b.rng.sample(SCOPE, 2):
        b.scope.append(ScopeItem(
            id=b.id("scp"), client_id=c.id, title=title, deliverable=deliverable,
            due=c.start_date + timedelta(days=90), success_metric=metric,
            status=ScopeStatus.ACTIVE, origin=ScopeOrigin.KICKOFF,
            fee_cents=c.fee_cents // 2))


def _request(b: Builder, c: Client, days_ago: int, status: ChangeStatus = ChangeStatus.PENDING,
             text: str | None = None) -> ChangeRequest:
    on = b.ago(days_ago)
    decided = status is not ChangeStatus.PENDING
    cr = ChangeRequest(
        id=b.id("chg"), client_id=c.id, requested_on=on,
        requested_by=c.primary_contact.name if c.primary_contact else "client",
        description=text or b.rng.choice(REQUESTS), estimated_hours=b.rng.choice((2, 4, 8, 16)),
        fee_cents=b.rng.choice((0, 50_000, 120_000, 300_000)), status=status,
        decided_on=on + timedelta(days=1) if decided else None,
        decided_by="priya" if decided else "",
        reason="Quick fix, done as a courtesy." if status is ChangeStatus.FAVOUR else "")
    b.requests.append(cr)
    return cr


def _scenarios(b: Builder, per: int) -> None:
    """Give the first clients the situations the review must surface."""
    rng = b.rng
    def first(name: str) -> Client:
        return next(c for c in b.clients if c.name == name)

    c = first("Northwind Outdoor")  # new outside access
    _history(b, c, per)
    b.access.append(AccessGrant(id=b.id("acc"), client_id=c.id, on=b.ago(4),
                                who="ops@bluefox-digital.com", account="Google Ads"))
    _history(b, first("Harbor Dental Group"), per)
    c = first("Harbor Dental Group")  # main contact changed
    old = c.primary_contact.name if c.primary_contact else "Maria Lopez"
    b.contact_changes.append(ContactChange(id=b.id("cch"), client_id=c.id, on=b.ago(9),
                                           old_name=old, new_name="Sophie Martin"))
    b.update(replace(c, primary_contact=Contact(
        id=b.id("con"), name="Sophie Martin", title="Head of Growth", email="sophie@example.com")))
    c = first("Copperline Coffee")  # detractor NPS after good ones
    _history(b, c, per)
    for days, score, note in ((200, 9, ""), (110, 8, ""), (12, 4, "Reports arrive late")):
        b.nps.append(NpsResponse(id=b.id("nps"), client_id=c.id, on=b.ago(days), score=score,
                                 comment=note))
    c = first("Lumen Solar")  # chatty client gone quiet
    _history(b, c, per, quiet_days=24, question_rate=0.3)
    c = first("Greenleaf Pets")  # quiet client suddenly full of questions
    _history(b, c, per, question_rate=0.0)
    for d in (1, 2, 4, 6, 9, 11):
        b.log(c, K.QUESTION, b.ago(d), "Why did the cost per lead go up?")
    c = first("Atlas Freight")  # budget cut (and an earlier cut that was our savings)
    _history(b, c, per)
    b.budgets.append(BudgetChange(id=b.id("bud"), client_id=c.id, on=b.ago(150),
                                  old_cents=1_500_000, new_cents=1_200_000,
                                  reason="Wasted spend removed", savings_we_created=True))
    b.budgets.append(BudgetChange(id=b.id("bud"), client_id=c.id, on=b.ago(6),
                                  old_cents=1_200_000, new_cents=700_000,
                                  reason="Q1 marketing freeze"))
    c = first("Pinecrest Realty")  # missed status calls; last call without a summary
    _history(b, c, per, skip_call_days=12)
    b.log(c, K.UNSCHEDULED_CALL, b.ago(2), "Client called about the new listings page.")
    c = first("Riverbend Clinics")  # only a PM covers it (see _assign)
    _history(b, c, per)
    c = first("Bright Smile Ortho")  # three free favours in two months, one more pending
    _history(b, c, per)
    for d in (70, 41, 15):
        _request(b, c, d, ChangeStatus.FAVOUR)
    _request(b, c, 3, text="Could you also redo the Facebook banner? Small thing.")
    c = first("Summit Legal")  # remote: visit overdue
    _history(b, c, per)
    b.log(c, K.IN_PERSON_VISIT, b.ago(63), "Quarterly planning on site.")
    c = first("Bayview Hotels")  # remote: visit due, and it came to our event once
    _history(b, c, per)
    b.log(c, K.AGENCY_EVENT, b.ago(95), "Came to the agency's summer meetup.")
    b.log(c, K.IN_PERSON_VISIT, b.ago(46), "Workshop at their HQ.")
    c = first("Oakridge Bakery")  # monthly report overdue
    _history(b, c, per)
    b.interactions = [i for i in b.interactions
                      if not (i.client_id == c.id and i.kind is K.MONTHLY_REPORT_SENT
                              and i.on > b.ago(38))]
    c = first("Bluewater Fitness")  # no status calls agreed: minimum contact overdue
    _history(b, c, per, quiet_days=36, question_rate=0.0)
    c = first("Redwood Insurance")  # passive NPS (not a sign) and a pending change request
    _history(b, c, per)
    b.nps.append(NpsResponse(id=b.id("nps"), client_id=c.id, on=b.ago(20), score=7,
                             comment="Fine, but slow to respond"))
    _request(b, c, 8, text="Add a Spanish version of the landing page")
    c = first("Silverline Motors")  # acknowledged access grant: shows in Signs, not in Review
    _history(b, c, per)
    grant = AccessGrant(id=b.id("acc"), client_id=c.id, on=b.ago(20),
                        who="analytics@silverline.com", account="GA4")
    b.access.append(grant)
    b.states.append(SignState(
        id=b.id("sgn"), client_id=c.id, sign_key=f"{c.id}:new_access:{grant.id}",
        acknowledged_on=b.ago(18), acknowledged_by="priya",
        note="Their new in-house analyst; confirmed on the status call."))
    for c in list(b.clients[15:]):
        _history(b, c, per, question_rate=rng.choice((0.02, 0.05, 0.1)))
        if rng.random() < 0.5:
            b.nps.append(NpsResponse(id=b.id("nps"), client_id=c.id,
                                     on=b.ago(rng.randint(10, 80)), score=rng.choice((9, 9, 10))))
        if rng.random() < 0.1:
            _request(b, c, rng.randint(1, 20))
        if c.remote:
            b.log(c, K.IN_PERSON_VISIT, b.ago(rng.randint(5, 38)), "Visit")


def _assign(b: Builder, clients: list[Client], pms: list[TeamMember],
            analysts: list[TeamMember]) -> None:
    thin = next(c for c in clients if c.name == "Riverbend Clinics")
    queue = [c for c in clients if c is not thin]
    for i, c in enumerate(clients):
        b.assignments.append(Assignment(id=b.id("asg"), client_id=c.id,
                                        member_id=pms[i % len(pms)].id, since=c.start_date))
    # the first analyst carries four clients: one over the limit of three
    loads = [4] + [3] * (len(analysts) - 1)
    k = 0
    for analyst, load in zip(analysts, loads, strict=True):
        for c in queue[k:k + load]:
            b.assignments.append(Assignment(id=b.id("asg"), client_id=c.id,
                                            member_id=analyst.id,
                                            since=c.start_date + timedelta(days=k % 30)))
        k += load


def make_demo(today: date, clients: int = 25, events: int | None = None,
              seed: int = 7) -> Agency:
    """The demo agency as of ``today``: ``clients`` clients and about ``events`` interactions."""
    if clients < 16:
        raise ValueError("the demo needs at least 16 clients to show every situation")
    b = Builder(rng=random.Random(seed), today=today)
    names = _names(b.rng, clients)
    pms, analysts = _team(b, clients)
    special_remote = {"Summit Legal", "Bayview Hotels"}
    made = []
    for i, name in enumerate(names):
        freq = CallFrequency.NONE if name == "Bluewater Fitness" else (
            CallFrequency.WEEKLY if name == "Pinecrest Realty" else None)
        remote = name in special_remote or (i >= 16 and b.rng.random() < 0.2)
        made.append(_client(b, name, i, remote=remote, freq=freq))
    b.clients = made
    per = max(4, (events if events is not None else clients * 120) // clients)
    _scenarios(b, per)
    for c in b.clients:
        _scope(b, c)
    _assign(b, b.clients, pms, analysts)
    _paused_and_churned(b)
    _activities(b, random.Random(seed + 1))  # own generator: the rest stays as it was
    return b.agency()


def _activities(b: Builder, rng: random.Random) -> None:
    """Two or three activities or tests a month over the last three months, per client."""
    for c in b.clients:
        if c.status is not ClientStatus.ACTIVE:
            continue
        for month_back in range(3):
            for title, test, result, outcome in rng.sample(ACTIVITIES, rng.randint(2, 3)):
                on = b.ago(month_back * 30 + rng.randint(1, 28))
                if on < c.start_date:
                    continue
                recent = outcome is not Outcome.OPEN and (b.today - on).days < 7
                b.activities.append(Activity(
                    id=b.id("act"), client_id=c.id, on=on, title=title, test=test,
                    result="" if recent else result,
                    outcome=Outcome.OPEN if recent else outcome))


def _paused_and_churned(b: Builder) -> None:
    """A prospect and a churned client, so every status appears."""
    prospect = replace(_client(b, "Willow Spa (prospect)", 3, days_old=5),
                       status=ClientStatus.PROSPECT, fee_cents=0)
    churned = replace(_client(b, "Vantage Games", 5, days_old=900), status=ClientStatus.CHURNED)
    b.clients += [prospect, churned]
    b.log(churned, K.EMAIL, b.ago(300), "Notice of cancellation received.")

