"""One client with a bit of everything, as of TODAY, with fixed ids: the documents' input."""

from __future__ import annotations

from datetime import date, timedelta

from tracker.documents import Sender
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
    Contact,
    ContactChange,
    FeeKind,
    Interaction,
    InteractionKind as K,
    NpsResponse,
    Outcome,
    Role,
    ScopeItem,
    ScopeOrigin,
    ScopeStatus,
    TeamMember,
)

TODAY = date(2026, 11, 23)
SENDER = Sender(name="Priya Shah", role="project manager", agency="Northlight Digital")


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


CLIENT = Client(
    id="cli_1", name="Harbor & Co. <Dental>", fee_cents=900_000, start_date=date(2026, 2, 2),
    location="Lisbon", remote=True,
    primary_contact=Contact(id="con_2", name="Nadia Reyes", title="Head of Marketing",
                            email="nadia@harbor.example"),
    contacts=(Contact(id="con_1", name="Tom Baker", title="Former CMO"),),
    channel_url="https://agency.slack.com/archives/harbor",
    comm_rules="No unscheduled calls: questions go to the channel.\nReports by the 5th.",
    cadence=CadenceSettings(status_call=CallFrequency.BIWEEKLY, visit_min_days=42,
                            visit_max_days=56),
)
PM = TeamMember(id="mem_1", name="Priya Shah", role=Role.PM, login="priya")
ANALYST = TeamMember(id="mem_2", name="Ben Okafor", role=Role.ANALYST, login="ben")

KICKOFF = (
    ScopeItem(id="scp_1", client_id="cli_1", title="Google Ads restructure",
              deliverable="new campaign structure", due=date(2026, 5, 1),
              success_metric="CPA -20% in 90 days", status=ScopeStatus.DONE,
              fee_cents=500_000),
    ScopeItem(id="scp_2", client_id="cli_1", title="Landing page A/B tests",
              deliverable="2 tests a month", due=date(2026, 12, 31),
              success_metric="conversion rate +15%", status=ScopeStatus.ACTIVE,
              fee_cents=400_000),
)
EXPANDED = ChangeRequest(
    id="chg_1", client_id="cli_1", requested_on=ago(30), requested_by="Nadia Reyes",
    description="Spanish version of the landing page", estimated_hours=12, fee_cents=120_000,
    status=ChangeStatus.EXPAND, decided_on=ago(28), decided_by="priya",
    scope_item_ids=("scp_3",))
ADDED = ScopeItem(id="scp_3", client_id="cli_1", title="Spanish landing page",
                  deliverable="translated page + tracking", due=date(2026, 12, 15),
                  status=ScopeStatus.ACTIVE, origin=ScopeOrigin.CHANGE_REQUEST,
                  fee_cents=120_000, change_request_id="chg_1")
PENDING = ChangeRequest(
    id="chg_2", client_id="cli_1", requested_on=ago(6), requested_by="Nadia Reyes",
    description="Add TikTok ads for the spring launch", estimated_hours=16, fee_cents=250_000)
PARKED = ChangeRequest(
    id="chg_3", client_id="cli_1", requested_on=ago(12), requested_by="Tom Baker",
    description="Weekly instead of monthly reporting", status=ChangeStatus.FOCUS,
    decided_on=ago(10), decided_by="priya",
    reason="The A/B test results come first: they show what a weekly report should track.")
ONE_OFF = ChangeRequest(
    id="chg_4", client_id="cli_1", requested_on=ago(2), requested_by="Nadia Reyes",
    description="A landing page for the spring event", estimated_hours=10, fee_cents=180_000,
    fee_kind=FeeKind.ONE_OFF)

INTERACTIONS = (
    Interaction(id="int_01", client_id="cli_1", kind=K.STATUS_CALL, on=ago(38),
                notes="September results"),
    Interaction(id="int_02", client_id="cli_1", kind=K.CALL_SUMMARY_SENT, on=ago(38)),
    Interaction(id="int_03", client_id="cli_1", kind=K.EMAIL, on=date(2026, 10, 7),
                notes="Sent the test plan"),
    Interaction(id="int_04", client_id="cli_1", kind=K.MONTHLY_REPORT_SENT, on=date(2026, 10, 5)),
    Interaction(id="int_05", client_id="cli_1", kind=K.IN_PERSON_VISIT, on=date(2026, 10, 20),
                notes="Workshop in Lisbon"),
    Interaction(id="int_06", client_id="cli_1", kind=K.STATUS_CALL, on=ago(9),
                notes="Reviewed the October tests\nAgreed to pause display ads\n"
                      "Nadia asked about TikTok",
                attendees_ours=("Priya Shah", "Ben Okafor"), attendees_theirs=("Nadia Reyes",)),
    Interaction(id="int_07", client_id="cli_1", kind=K.QUESTION, on=ago(4),
                notes="Asked about the spring budget"),
)
ACTIVITIES = (
    Activity(id="act_1", client_id="cli_1", on=date(2026, 10, 6), title="Headline A/B test",
             test=True, result="Variant B: +12% form fills", outcome=Outcome.WIN),
    Activity(id="act_2", client_id="cli_1", on=date(2026, 10, 14),
             title="Target CPA bidding trial", test=True,
             result="CPA rose 9% in the learning phase", outcome=Outcome.LEARNING),
    Activity(id="act_3", client_id="cli_1", on=date(2026, 10, 28),
             title="Negative keyword clean-up", result="212 search terms excluded"),
)


def agency() -> Agency:
    return Agency(
        clients=(CLIENT,), members=(PM, ANALYST),
        assignments=(Assignment(id="asg_1", client_id="cli_1", member_id="mem_1",
                                since=CLIENT.start_date),
                     Assignment(id="asg_2", client_id="cli_1", member_id="mem_2",
                                since=CLIENT.start_date)),
        scope_items=(*KICKOFF, ADDED), change_requests=(EXPANDED, PENDING, PARKED, ONE_OFF),
        interactions=INTERACTIONS, activities=ACTIVITIES,
        nps=(NpsResponse(id="nps_1", client_id="cli_1", on=date(2026, 10, 30), score=5,
                         comment="Reports arrive late"),),
        budget_changes=(BudgetChange(id="bud_1", client_id="cli_1", on=ago(15),
                                     old_cents=1_200_000, new_cents=900_000,
                                     reason="Q1 freeze"),),
        access_grants=(AccessGrant(id="acc_1", client_id="cli_1", on=ago(5),
                                   who="ops@rival.example", account="Google Ads"),),
        contact_changes=(ContactChange(id="cch_1", client_id="cli_1", on=ago(20),
                                       old_name="Tom Baker", new_name="Nadia Reyes"),),
    )
