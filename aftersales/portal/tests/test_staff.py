"""Staff's side: who has portal access (revoke, restore, administrator, send a code) and the QR
labels (SVG, PNG, the printable sheet, reissue); each change leaves a history row."""

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aftersales.accounts.choices import Role
from aftersales.core.errors import ConflictError, NotFoundError, PermissionDeniedError
from aftersales.history.models import Activity
from aftersales.notifications.models import OutboxMessage
from aftersales.portal import services
from aftersales.portal.models import PortalAccess, UnitToken
from aftersales.portal.tests.conftest import Pair

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent(users: Any) -> Client:
    client = Client()
    client.force_login(users[Role.AGENT])
    return client


def _action(client: Client, contact_id: int, action: str) -> Any:
    return client.post(reverse("portal_staff:access_action", args=[contact_id, action]))


def test_access_list_shows_standing_and_searches(pair: Pair, agent: Client) -> None:
    everyone = agent.get(reverse("portal_staff:access_list"))
    by_phone = agent.get(reverse("portal_staff:access_list"), {"q": "138 0000 0002"})
    by_name = agent.get(reverse("portal_staff:access_list"), {"q": "乙制造"})

    assert "王经理" in everyone.content.decode() and "赵主任" in everyone.content.decode()
    assert "李工" in by_phone.content.decode() and "王经理" not in by_phone.content.decode()
    assert "赵主任" in by_name.content.decode() and "李工" not in by_name.content.decode()


def test_revoke_restore_and_administrator(pair: Pair, agent: Client) -> None:
    assert _action(agent, pair.a_plain.pk, "revoke").status_code == 302
    assert PortalAccess.objects.get(contact=pair.a_plain).revoked_at is not None
    assert _action(agent, pair.a_plain.pk, "revoke").status_code == 302  # again: nothing changes
    _action(agent, pair.a_plain.pk, "restore")
    _action(agent, pair.a_plain.pk, "make-admin")
    access = PortalAccess.objects.get(contact=pair.a_plain)
    assert access.revoked_at is None and access.is_admin
    _action(agent, pair.a_plain.pk, "clear-admin")
    _action(agent, pair.a_plain.pk, "clear-admin")

    assert not PortalAccess.objects.get(contact=pair.a_plain).is_admin
    assert list(Activity.objects.filter(type__startswith="portal.").order_by("id").values_list("type", flat=True)) == [
        "portal.access_revoked",
        "portal.access_restored",
        "portal.admin_set",
        "portal.admin_cleared",
    ]


def test_unknown_action_is_404(pair: Pair, agent: Client) -> None:
    assert _action(agent, pair.a_plain.pk, "delete").status_code == 404


def test_send_a_code_for_a_contact(pair: Pair, agent: Client) -> None:
    response = _action(agent, pair.a_plain.pk, "send-code")

    assert response.status_code == 302
    assert OutboxMessage.objects.filter(recipient=pair.a_plain.mobile).count() == 1
    again = _action(agent, pair.a_plain.pk, "send-code")
    assert again.status_code == 429  # one a minute, for staff too
    assert OutboxMessage.objects.filter(recipient=pair.a_plain.mobile).count() == 1


def test_no_code_for_a_revoked_contact(pair: Pair, users: Any) -> None:
    services.set_access_revoked(contact_id=pair.a_plain.pk, by=users[Role.AGENT], revoked=True)

    with pytest.raises(ConflictError):
        services.send_code_for_contact(contact_id=pair.a_plain.pk, by=users[Role.AGENT])
    assert not OutboxMessage.objects.filter(recipient=pair.a_plain.mobile).exists()


def test_technician_may_not_manage_access(pair: Pair, users: Any) -> None:
    with pytest.raises(PermissionDeniedError):
        services.set_portal_admin(contact_id=pair.a_plain.pk, by=users[Role.TECHNICIAN], is_admin=True)
    with pytest.raises(PermissionDeniedError):
        services.reissue_unit_token(unit_id=pair.unit_a.pk, by=users[Role.TECHNICIAN])
    with pytest.raises(NotFoundError):
        services.reissue_unit_token(unit_id=10**9, by=users[Role.AGENT])


def test_label_list_by_customer_and_by_serial(pair: Pair, agent: Client) -> None:
    by_customer = agent.get(reverse("portal_staff:label_list"), {"customer": pair.a.pk})
    by_serial = agent.get(reverse("portal_staff:label_list"), {"serial": pair.unit_b.serial_number.lower()})
    empty = agent.get(reverse("portal_staff:label_list"))

    assert pair.unit_a.serial_number.encode() in by_customer.content
    assert pair.unit_b.serial_number.encode() in by_serial.content
    assert b'id="label-table"' not in empty.content
    assert agent.get(reverse("portal_staff:label_list"), {"customer": "x"}).status_code == 404


def test_label_list_makes_its_units_tokens_so_that_their_pictures_only_read(pair: Pair, agent: Client) -> None:
    """Each row's picture is a request of its own; made by each picture, the tokens were as many inserts
    at once (a browser scenario failed on them: "database table is locked", 2026-12-07)."""
    assert not UnitToken.objects.filter(unit__customer=pair.a).exists()
    agent.get(reverse("portal_staff:label_list"), {"customer": pair.a.pk})
    made = dict(UnitToken.objects.filter(unit__customer=pair.a).values_list("unit_id", "token"))
    assert pair.unit_a.pk in made

    with CaptureQueriesContext(connection) as queries:
        picture = agent.get(reverse("portal_staff:unit_qr", args=[pair.unit_a.pk, "svg"]))
    assert picture.status_code == 200 and made[pair.unit_a.pk].encode() in picture.content
    assert not [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("INSERT")]


def test_qr_files_hold_the_public_address(pair: Pair, agent: Client, settings: Any) -> None:
    settings.AFTERSALES = {**settings.AFTERSALES, "SITE_URL": "https://service.example.com/"}
    svg = agent.get(reverse("portal_staff:unit_qr", args=[pair.unit_a.pk, "svg"]))
    png = agent.get(reverse("portal_staff:unit_qr", args=[pair.unit_a.pk, "png"]))
    token = UnitToken.objects.get(unit=pair.unit_a).token

    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    assert f"https://service.example.com/portal/u/{token}/".encode() in svg.content  # the title
    assert png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")
    assert agent.get(reverse("portal_staff:unit_qr", args=[pair.unit_a.pk, "gif"])).status_code == 404


def test_label_sheet_by_customer_and_by_units(pair: Pair, agent: Client) -> None:
    sheet = agent.get(reverse("portal_staff:label_sheet"), {"customer": pair.a.pk})
    one = agent.get(reverse("portal_staff:label_sheet"), {"unit": [pair.unit_b.pk]})

    assert sheet.content.count(b'class="label"') == 1 and b"<svg" in sheet.content
    assert pair.unit_b.serial_number.encode() in one.content
    assert agent.get(reverse("portal_staff:label_sheet")).status_code == 404
    assert agent.get(reverse("portal_staff:label_sheet"), {"unit": ["999999"]}).status_code == 404


def test_reissue_makes_a_new_token(pair: Pair, agent: Client) -> None:
    agent.get(reverse("portal_staff:unit_qr", args=[pair.unit_a.pk, "svg"]))
    old = UnitToken.objects.get(unit=pair.unit_a).token

    response = agent.post(reverse("portal_staff:label_reissue", args=[pair.unit_a.pk]))

    assert response["Location"] == f"{reverse('portal_staff:label_list')}?customer={pair.a.pk}"
    current = UnitToken.objects.get(unit=pair.unit_a, revoked_at__isnull=True)
    assert current.token != old
    assert Activity.objects.filter(type="portal.label_reissued").count() == 1


def test_home_panel_only_when_there_are_portal_reports(pair: Pair, agent: Client) -> None:
    assert b'id="portal-reports"' not in agent.get("/").content
