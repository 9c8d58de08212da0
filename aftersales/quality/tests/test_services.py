"""Quality cases: every (from, to) pair of the moves table, the rules of each move, history and notices."""

import pytest

from aftersales.core.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationFailed
from aftersales.history.models import Activity
from aftersales.notifications.models import OutboxMessage
from aftersales.quality import services
from aftersales.quality.choices import CASE_MOVES, CaseSource, CaseStatus
from aftersales.quality.models import QualityCase

pytestmark = pytest.mark.django_db


def _open(data, by="manager_sh", **kwargs):
    defaults = {
        "product_model": data.qa,
        "order_ids": [data.orders["o2"].pk, data.orders["o3"].pk],
        "title": "轴承反复损坏",
        "source": CaseSource.REPEAT,
    }
    defaults.update(kwargs)
    return services.open_case(by=data.people[by], **defaults)


def _put(case, status):
    QualityCase.objects.filter(pk=case.pk).update(status=status, design_change_ref="ECN-1")
    return QualityCase.objects.get(pk=case.pk)


def test_every_move_of_the_table_and_no_other(data):
    """Walks every (from, to) pair on one case, put in ``from`` behind the service's back each time."""
    case = _open(data)
    made, refused = set(), set()
    for start in CaseStatus.values:
        for to in CaseStatus.values:
            case = _put(case, start)
            try:
                moved = services.transition_case(
                    case, to=to, by=data.people["manager_sh"], design_change_ref="ECN-1", reason="不是设计问题"
                )
            except ConflictError:
                assert QualityCase.objects.get(pk=case.pk).status == start
                refused.add((start, to))
            else:
                assert moved.status == to
                made.add((start, to))

    assert made == {(start, to) for start, moves in CASE_MOVES.items() for to in moves}
    assert len(made) + len(refused) == len(CaseStatus.values) ** 2


def test_open_case_records_history_and_tells_the_owner(data):
    case = _open(data, owner=data.people["gm"])

    assert case.number.startswith("QC") and case.owner == data.people["gm"]
    assert Activity.objects.filter(type="quality_case.opened").count() == 1
    assert OutboxMessage.objects.filter(key__startswith=f"quality-case-{case.pk}-owner-").count() == 1


def test_rejecting_needs_a_reason_and_deciding_a_reference(data):
    case = _open(data)
    manager = data.people["manager_sh"]

    with pytest.raises(ValidationFailed) as rejected:
        services.transition_case(case, to=CaseStatus.REJECTED, by=manager)
    assert rejected.value.field == "reason"
    services.transition_case(case, to=CaseStatus.ANALYSING, by=manager)
    with pytest.raises(ValidationFailed) as decided:
        services.transition_case(case, to=CaseStatus.DECIDED, by=manager)
    assert decided.value.field == "design_change_ref"
    case = services.transition_case(
        case, to=CaseStatus.DECIDED, by=manager, design_change_ref="ECN-7", decision="换轴承"
    )
    assert (case.design_change_ref, case.decision, case.decided_at is not None) == ("ECN-7", "换轴承", True)
    with pytest.raises(ValidationFailed):
        services.update_case(case, by=manager, design_change_ref="")
    assert Activity.objects.filter(type="quality_case.moved").count() == 2


def test_who_may_send_and_work(data):
    with pytest.raises(PermissionDeniedError):
        _open(data, by="agent_sh")
    case = _open(data)
    outsider = data.people["manager_bj"]
    with pytest.raises(NotFoundError):
        services.transition_case(case, to=CaseStatus.ANALYSING, by=outsider)
    with pytest.raises(NotFoundError):
        services.update_case(case, by=outsider, title="x")
    with pytest.raises(NotFoundError):
        services.comment_case(case, by=outsider, text="x")
    with pytest.raises(NotFoundError):
        services.comment_case(case, by=data.people["agent_sh"], text="x")
    assert QualityCase.objects.get(pk=case.pk).status == CaseStatus.OPEN
    with pytest.raises(ValidationFailed):
        _open(data, owner=data.people["agent_sh"])
    with pytest.raises(ValidationFailed):
        services.update_case(case, by=data.people["manager_sh"], owner=data.people["agent_sh"])
    with pytest.raises(ValidationFailed):
        services.transition_case(case, to="sideways", by=data.people["manager_sh"])


def test_update_and_comment_leave_history(data):
    case = _open(data)
    manager = data.people["manager_sh"]

    services.update_case(case, by=manager, title="新标题", description="说明", owner=data.people["gm"])
    services.update_case(case, by=manager, title="新标题")  # no change: no row
    services.comment_case(case, by=manager, text="已转设计部")

    assert Activity.objects.filter(type="quality_case.updated").count() == 1
    assert Activity.objects.filter(type="quality_case.commented").count() == 1
    with pytest.raises(ValidationFailed):
        services.comment_case(case, by=manager, text="  ")


def test_too_many_orders_are_refused(data):
    with pytest.raises(ValidationFailed) as refused:
        _open(data, order_ids=list(range(1, services.MAX_EVIDENCE + 2)))
    assert refused.value.code == "too_many_orders"
