"""Every portal URL is proved here: a customer never reaches another customer's (or, for orders,
another contact's) unit, order, photo, signature or record — 404 with nothing of it in the body —
and nobody signed out reaches a customer's page. The URL patterns are enumerated: a new portal URL
without a case here fails ``test_every_portal_url_has_a_case``.

Company A has an administrator (sees every order of A) and a plain contact (sees their own);
company B is another customer of the same centre. Staff screens are proved against another centre.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import ServiceCenterFactory, UserFactory
from aftersales.portal.models import UnitToken
from aftersales.portal.services import ensure_unit_tokens
from aftersales.portal.tests.conftest import Pair, Worked

pytestmark = pytest.mark.django_db


def _names(namespace: str) -> set[str]:
    resolver = get_resolver()
    found: set[str] = set()

    def walk(patterns: list[Any], ns: str | None) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, entry.namespace or ns)
            elif isinstance(entry, URLPattern) and ns == namespace and entry.name:
                found.add(entry.name)

    walk(resolver.url_patterns, None)
    return found


@dataclass(frozen=True)
class Own:
    """A customer's URL about one record: ``mine`` is A's administrator's, ``theirs`` B's (404 for
    A's administrator); ``colleague`` an order of A's administrator that A's plain contact may not
    see (None when every contact of the company sees it, as units)."""

    mine: Callable[[Pair, dict[str, Worked], dict[int, str]], str]
    theirs: Callable[[Pair, dict[str, Worked], dict[int, str]], str]
    colleague: Callable[[Pair, dict[str, Worked], dict[int, str]], str] | None = None
    mine_status: int = 200
    method: str = "get"


def _order_url(name: str, which: str) -> Callable[[Pair, dict[str, Worked], dict[int, str]], str]:
    return lambda p, w, t: reverse(f"portal:{name}", args=[w[which].order.pk])


# Every URL of the customer's portal that shows or acts on one record.
OWN: dict[str, Own] = {
    "unit_detail": Own(
        mine=lambda p, w, t: reverse("portal:unit_detail", args=[p.unit_a.pk]),
        theirs=lambda p, w, t: reverse("portal:unit_detail", args=[p.unit_b.pk]),
    ),
    "order_detail": Own(
        _order_url("order_detail", "plain"), _order_url("order_detail", "b"), _order_url("order_detail", "admin")
    ),
    "order_record": Own(
        _order_url("order_record", "plain"), _order_url("order_record", "b"), _order_url("order_record", "admin")
    ),
    "visit_signature": Own(
        mine=lambda p, w, t: reverse("portal:visit_signature", args=[w["plain"].order.pk, w["plain"].visit.pk]),
        theirs=lambda p, w, t: reverse("portal:visit_signature", args=[w["b"].order.pk, w["b"].visit.pk]),
        colleague=lambda p, w, t: reverse("portal:visit_signature", args=[w["admin"].order.pk, w["admin"].visit.pk]),
    ),
    "order_photo": Own(
        mine=lambda p, w, t: reverse("portal:order_photo", args=[w["plain"].order.pk, w["plain"].photo.pk]),
        theirs=lambda p, w, t: reverse("portal:order_photo", args=[w["b"].order.pk, w["b"].photo.pk]),
        colleague=lambda p, w, t: reverse("portal:order_photo", args=[w["admin"].order.pk, w["admin"].photo.pk]),
    ),
    "unit_public_report": Own(
        mine=lambda p, w, t: reverse("portal:unit_public_report", args=[t[p.unit_a.pk]]),
        theirs=lambda p, w, t: reverse("portal:unit_public_report", args=[t[p.unit_b.pk]]),
        mine_status=302,
    ),
}
# The customer's lists and forms: what they show is read through the same scope (checked below by
# what the body holds), and the report form refuses another customer's unit.
LISTS = {"home", "order_list", "report"}
# Open to anyone: the sign-in steps and the label's public page (checked below).
PUBLIC = {"sign_in", "sign_in_code", "sign_out", "unit_public"}

# Staff screens: (url for a record of centre SH, method, status for SH's agent).
STAFF: dict[str, tuple[Callable[[Pair], str], str, int]] = {
    "access_list": (lambda p: reverse("portal_staff:access_list"), "get", 200),
    "access_action": (lambda p: reverse("portal_staff:access_action", args=[p.a_plain.pk, "make-admin"]), "post", 302),
    "label_list": (lambda p: f"{reverse('portal_staff:label_list')}?customer={p.a.pk}", "get", 200),
    "label_sheet": (lambda p: f"{reverse('portal_staff:label_sheet')}?customer={p.a.pk}", "get", 200),
    "unit_qr": (lambda p: reverse("portal_staff:unit_qr", args=[p.unit_a.pk, "svg"]), "get", 200),
    "label_reissue": (lambda p: reverse("portal_staff:label_reissue", args=[p.unit_a.pk]), "post", 302),
}
# A staff list shows nothing of another centre (checked by the body), the others answer 404.
STAFF_LISTS = {"access_list"}


def test_every_portal_url_has_a_case() -> None:
    assert _names("portal") == set(OWN) | LISTS | PUBLIC
    assert _names("portal_staff") == set(STAFF)


@pytest.fixture
def tokens(pair: Pair) -> dict[int, str]:
    return ensure_unit_tokens([pair.unit_a, pair.unit_b])


def _call(client: Client, method: str, url: str) -> Any:
    return client.post(url) if method == "post" else client.get(url)


def _assert_nothing_of(response: Any, *texts: str) -> None:
    body = b"".join(response) if response.streaming else response.content
    for text in texts:
        assert text.encode() not in body


@pytest.mark.parametrize("name", sorted(OWN))
def test_customer_reaches_own_record_and_never_another_customers(
    name: str, pair: Pair, worked: dict[str, Worked], tokens: dict[int, str], portal_client: Any
) -> None:
    case = OWN[name]
    admin, plain = portal_client(pair.a_admin), portal_client(pair.a_plain)

    assert _call(admin, case.method, case.mine(pair, worked, tokens)).status_code == case.mine_status
    assert _call(plain, case.method, case.mine(pair, worked, tokens)).status_code == case.mine_status
    theirs = _call(admin, case.method, case.theirs(pair, worked, tokens))
    assert theirs.status_code == 404
    _assert_nothing_of(theirs, pair.order_b.number, pair.b.name, pair.unit_b.serial_number, "赵主任")
    if case.colleague is not None:
        colleague = _call(plain, case.method, case.colleague(pair, worked, tokens))
        assert colleague.status_code == 404
        _assert_nothing_of(colleague, pair.order_admin.number)
        assert _call(admin, case.method, case.colleague(pair, worked, tokens)).status_code == 200
    # B sees its own and nothing of A's.
    assert _call(portal_client(pair.b_contact), case.method, case.mine(pair, worked, tokens)).status_code == 404


@pytest.mark.parametrize("name", sorted(set(OWN) | LISTS))
def test_signed_out_visitor_is_sent_to_sign_in(
    name: str, pair: Pair, worked: dict[str, Worked], tokens: dict[int, str]
) -> None:
    url = OWN[name].mine(pair, worked, tokens) if name in OWN else reverse(f"portal:{name}")

    response = Client().get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:sign_in") + "?next=")


def test_a_staff_session_is_not_a_customer_session(pair: Pair, worked: dict[str, Worked], users: Any) -> None:
    client = Client()
    client.force_login(users[Role.ADMIN])

    response = client.get(reverse("portal:order_detail", args=[pair.order_admin.pk]))

    assert response.status_code == 302


@pytest.mark.parametrize("name", sorted(LISTS))
def test_customer_lists_show_only_their_scope(name: str, pair: Pair, worked: Any, portal_client: Any) -> None:
    plain = portal_client(pair.a_plain).get(reverse(f"portal:{name}"))
    admin = portal_client(pair.a_admin).get(reverse(f"portal:{name}"))

    assert plain.status_code == admin.status_code == 200
    _assert_nothing_of(plain, pair.order_b.number, pair.unit_b.serial_number, pair.b.name, pair.order_admin.number)
    _assert_nothing_of(admin, pair.order_b.number, pair.unit_b.serial_number, pair.b.name)
    assert pair.unit_a.serial_number.encode() in plain.content


def test_report_for_another_customers_unit_is_404_and_writes_nothing(pair: Pair, portal_client: Any) -> None:
    from aftersales.service.models import ServiceOrder

    before = ServiceOrder.objects.count()

    response = portal_client(pair.a_admin).post(
        reverse("portal:report"), {"unit": pair.unit_b.pk, "description": "坏了", "preferred_slot": "any"}
    )

    assert response.status_code == 404
    assert ServiceOrder.objects.count() == before


def test_public_label_page_shows_nothing_personal(pair: Pair, tokens: dict[int, str]) -> None:
    response = Client().get(reverse("portal:unit_public", args=[tokens[pair.unit_a.pk]]))

    assert response.status_code == 200
    assert pair.unit_a.product_model.name.encode() in response.content
    assert b"1234" in response.content
    _assert_nothing_of(
        response, pair.unit_a.serial_number, pair.a.name, "王经理", "李工", "13800000001", pair.unit_a.site.address
    )
    assert response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("token", ["x" * 22, "", "a" * 200, "../../etc"])
def test_forged_label_token_is_404(token: str, pair: Pair, tokens: dict[int, str]) -> None:
    url = f"/portal/u/{token}/" if token else "/portal/u//"
    assert Client().get(url).status_code == 404


def test_revoked_label_token_is_404(pair: Pair, tokens: dict[int, str], users: Any) -> None:
    from aftersales.portal.services import reissue_unit_token

    old = tokens[pair.unit_a.pk]
    new = reissue_unit_token(unit_id=pair.unit_a.pk, by=users[Role.AGENT])

    assert Client().get(reverse("portal:unit_public", args=[old])).status_code == 404
    assert Client().get(reverse("portal:unit_public", args=[new.token])).status_code == 200
    assert UnitToken.objects.filter(unit=pair.unit_a, revoked_at__isnull=True).count() == 1


@pytest.mark.parametrize("name", sorted(STAFF))
def test_staff_screens_keep_to_the_centre(name: str, pair: Pair, users: Any) -> None:
    url_of, method, status = STAFF[name]
    url = url_of(pair)
    away = ServiceCenterFactory(code="BJ", name="北京服务网点")
    outsider, home, technician = Client(), Client(), Client()
    outsider.force_login(UserFactory(username="agent-bj", role=Role.AGENT, service_center=away))
    home.force_login(users[Role.AGENT])
    technician.force_login(users[Role.TECHNICIAN])

    anonymous = _call(Client(), method, url)
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]
    assert _call(technician, method, url).status_code == 403
    other = _call(outsider, method, url)
    if name in STAFF_LISTS:
        assert other.status_code == 200
        _assert_nothing_of(other, pair.a.name, "王经理")
    else:
        assert other.status_code == 404
    assert _call(home, method, url).status_code == status
