from __future__ import annotations

import itertools

import pytest

from tests.factories import TODAY, ago, make_client, make_request
from tracker.decisions import (
    DecisionError,
    ScopeDraft,
    expand,
    favour_reaches_pattern,
    favours_in_window,
    small_favour,
    stay_focused,
)
from tracker.models import ChangeStatus, ScopeOrigin, ScopeStatus


def ids():
    counter = itertools.count(1)
    return lambda: f"scp_{next(counter)}"


def test_expand_creates_scope_items_and_raises_the_fee():
    c = make_client(fee_cents=500_000)
    cr = make_request(c)
    drafts = [ScopeDraft(title="TikTok ads", fee_cents=120_000, success_metric="CPA < $40"),
              ScopeDraft(title="Landing page", fee_cents=30_000)]
    out = expand(c, cr, drafts, TODAY, "pat", ids())
    assert out.request.status is ChangeStatus.EXPAND
    assert (out.request.decided_on, out.request.decided_by) == (TODAY, "pat")
    assert out.request.scope_item_ids == ("scp_1", "scp_2")
    assert [i.title for i in out.items] == ["TikTok ads", "Landing page"]
    assert all(i.origin is ScopeOrigin.CHANGE_REQUEST and i.change_request_id == cr.id
               and i.status is ScopeStatus.PLANNED for i in out.items)
    assert out.fee_delta_cents == 150_000
    assert out.client.fee_cents == 650_000
    assert cr.status is ChangeStatus.PENDING  # the input is untouched


@pytest.mark.parametrize(
    ("drafts", "message"),
    [([], "at least one scope item"), ([ScopeDraft(title="  ")], "needs a title"),
     ([ScopeDraft(title="x", fee_cents=-1)], "cannot be negative")],
    ids=["no-items", "blank-title", "negative-fee"],
)
def test_expand_refuses_bad_items(drafts, message):
    c = make_client()
    with pytest.raises(DecisionError, match=message):
        expand(c, make_request(c), drafts, TODAY, "pat", ids())


def test_stay_focused_parks_the_request_with_a_reason():
    c = make_client()
    cr = stay_focused(make_request(c), "  Finish the audit first  ", TODAY, "pat")
    assert (cr.status, cr.reason, cr.decided_by) == (ChangeStatus.FOCUS,
                                                      "Finish the audit first", "pat")
    with pytest.raises(DecisionError, match="needs a reason"):
        stay_focused(make_request(c), " ", TODAY, "pat")


@pytest.mark.parametrize("decide", [
    lambda cr: stay_focused(cr, "r", TODAY, "x"),
    lambda cr: small_favour(cr, TODAY, "x"),
    lambda cr: expand(make_client(id=cr.client_id), cr, [ScopeDraft(title="t")], TODAY, "x",
                      ids()),
], ids=["focus", "favour", "expand"])
def test_a_decided_request_cannot_be_decided_again(decide):
    c = make_client()
    done = small_favour(make_request(c), TODAY, "pat")
    with pytest.raises(DecisionError, match="already decided"):
        decide(done)


def test_favours_are_counted_and_the_pattern_is_warned_before_it_happens():
    c = make_client()
    crs = [make_request(c, d, ChangeStatus.FAVOUR) for d in (100, 50)]
    assert favours_in_window(crs, TODAY) == 1
    assert not favour_reaches_pattern(crs, TODAY)
    crs.append(small_favour(make_request(c, 2), ago(1), "pat"))
    assert favours_in_window(crs, TODAY) == 2
    assert favour_reaches_pattern(crs, TODAY)  # the next one makes three in 90 days


def test_the_fee_agreed_on_expanding_is_the_requests_from_then_on():
    from tracker.decisions import ScopeDraft, expand
    from tracker.models import FeeKind

    c = make_client(fee_cents=900_000)
    cr = make_request(c, fee_cents=50_000)  # asked at $500 a month
    out = expand(c, cr, [ScopeDraft(title="Page", fee_cents=75_000)], TODAY, "pat",
                 lambda: "scp_new")
    assert (out.request.fee_cents, out.request.fee_kind) == (75_000, FeeKind.MONTHLY)
    assert out.client.fee_cents == 975_000
    once = expand(c, cr, [ScopeDraft(title="Page", fee_cents=500_000,
                                     fee_kind=FeeKind.ONE_OFF)], TODAY, "pat", lambda: "s")
    assert (once.request.fee_cents, once.request.fee_kind, once.client.fee_cents) == (
        500_000, FeeKind.ONE_OFF, 900_000)
