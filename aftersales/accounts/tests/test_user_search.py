"""The users and roles screen's search and filters (found in the review of 2026-12-07: a centre of a
hundred staff had to be paged through to find one person): username, name or mobile; role (primary or
extra), centre, active or not; a value that is no choice answers 400 beside its field, writing nothing."""

import pytest

from aftersales.accounts.choices import Role
from aftersales.accounts.models import User, UserRole
from aftersales.accounts.tests.factories import ServiceCenterFactory, UserFactory

pytestmark = pytest.mark.django_db
LIST = "/settings/users/"


@pytest.fixture
def staff(centre, other_centre):
    wang = UserFactory(
        username="wangwei",
        first_name="伟",
        last_name="王",
        phone="+8613812345678",
        role=Role.TECHNICIAN,
        service_center=centre,
    )
    li = UserFactory(
        username="lina", first_name="娜", last_name="李", phone="+8613900001111", role=Role.AGENT, service_center=centre
    )
    UserRole.objects.create(user=li, role=Role.DISPATCHER)
    User.objects.filter(pk=li.pk).update(has_extra_roles=True)
    away = UserFactory(
        username="zhaolei", first_name="磊", last_name="赵", role=Role.TECHNICIAN, service_center=other_centre
    )
    gone = UserFactory(
        username="olduser", first_name="旧", last_name="周", role=Role.AGENT, service_center=centre, is_active=False
    )
    return {"wang": wang, "li": li, "away": away, "gone": gone}


def _listed(client, query: str) -> set[str]:
    answer = client.get(f"{LIST}?{query}")
    assert answer.status_code == 200, answer.content.decode()[:500]
    return {row.object.username for row in answer.context["rows"]}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=wang", {"wangwei"}),  # username
        ("q=王伟", {"wangwei"}),  # the name as it reads, family name first
        ("q=李", {"lina"}),
        ("q=138 1234", {"wangwei"}),  # part of the mobile, as typed with a space
        ("role=technician", None),  # every technician, of every centre (an admin)
        ("role=dispatcher&q=li", {"lina"}),  # an extra role counts
        ("status=inactive", {"olduser"}),
    ],
)
def test_the_admin_searches_and_filters_the_users(client, users, staff, query, expected):
    client.force_login(users[Role.ADMIN])

    listed = _listed(client, f"{query}&page=1")

    if expected is None:
        expected = set(User.objects.filter(role=Role.TECHNICIAN, system_kind="").values_list("username", flat=True))
        assert {"wangwei", "zhaolei"} <= expected
    assert listed == expected


def test_the_centre_filter_and_the_other_pages_keep_the_search(client, users, staff, centre, monkeypatch):
    monkeypatch.setattr("aftersales.accounts.views.UserListView.paginate_by", 1)
    client.force_login(users[Role.ADMIN])

    answer = client.get(f"{LIST}?centre={centre.pk}&status=active&role=technician")

    assert {row.object.username for row in answer.context["rows"]} <= {"wangwei", "technician-sh"}
    assert f"?page=2&amp;centre={centre.pk}&amp;status=active&amp;role=technician" in answer.content.decode()


def test_a_manager_searches_only_their_centre(client, users, staff):
    client.force_login(users[Role.MANAGER])

    assert _listed(client, "q=zhao") == set()
    assert "id_centre" not in client.get(LIST).content.decode()  # one centre: no centre filter


@pytest.mark.parametrize(
    ("query", "field"),
    [("role=emperor", "role"), ("status=maybe", "status"), ("centre=abc", "centre"), ("q=" + "x" * 101, "q")],
)
def test_a_garbage_filter_answers_400_beside_its_field_with_no_rows(client, users, staff, query, field):
    client.force_login(users[Role.ADMIN])

    answer = client.get(f"{LIST}?{query}")

    assert answer.status_code == 400
    body = answer.content.decode()
    assert f'id="id_{field}_error"' in body and 'aria-invalid="true"' in body
    assert answer.context["rows"] == []


def test_a_centre_out_of_the_managers_scope_answers_404(client, users, other_centre):
    client.force_login(users[Role.MANAGER])

    assert client.get(f"{LIST}?centre={other_centre.pk}").status_code == 404
    assert client.get(f"{LIST}?centre={ServiceCenterFactory().pk + 1000}").status_code == 400
