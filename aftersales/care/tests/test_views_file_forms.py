"""The customer file's own forms: edit the customer, add a contact person or a site, correct a unit's
proof of purchase — each saves through the service of its API endpoint, shows a refusal beside its field
with 400 and writes nothing, and is offered and allowed only to those who may edit customers."""

import datetime

import pytest
from django.urls import reverse

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.customers.models import Contact, Site
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.history.models import Activity
from aftersales.installed_base.choices import Seller
from aftersales.installed_base.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bare(centre):
    return CustomerFactory(service_center=centre, name="空白客户", notes="")


@pytest.fixture
def unit(bare):
    return UnitFactory(customer=bare, seller=Seller.DEALER, dealer_name="", proof_reference="")


def test_file_offers_the_forms_and_links_its_gaps_to_them(client, users, bare, unit):
    client.force_login(users[Role.AGENT])

    html = client.get(reverse("care:customer_detail", args=[bare.pk])).content.decode()

    assert 'id="file-actions"' in html
    assert f'href="{reverse("care:customer_edit", args=[bare.pk])}"' in html
    assert f'<a href="{reverse("care:customer_add_contact", args=[bare.pk])}">' in html
    assert f'<a href="{reverse("care:customer_add_site", args=[bare.pk])}">' in html
    assert f'<a href="{reverse("care:unit_proof", args=[unit.pk])}">' in html


def test_add_site_saves_through_the_service(client, users, bare):
    client.force_login(users[Role.AGENT])

    response = client.post(
        reverse("care:customer_add_site", args=[bare.pk]),
        {"name": "一号车间", "province": "上海", "city": "上海", "address": "浦东新区张江路 1 号"},
    )

    assert response.status_code == 302 and response.url == reverse("care:customer_detail", args=[bare.pk])
    site = Site.objects.get(customer=bare)
    assert site.name == "一号车间" and site.address == "浦东新区张江路 1 号"
    assert Activity.objects.filter(type="customer.site_added").exists()


def test_add_site_without_an_address_is_refused_beside_it(client, users, bare):
    client.force_login(users[Role.AGENT])

    response = client.post(reverse("care:customer_add_site", args=[bare.pk]), {"name": "一号车间", "address": "  "})

    assert response.status_code == 400 and not Site.objects.filter(customer=bare).exists()
    assert response.context["form"].errors["address"]


def test_add_contact_saves_the_number_in_e164(client, users, bare):
    client.force_login(users[Role.AGENT])

    response = client.post(
        reverse("care:customer_add_contact", args=[bare.pk]),
        {"name": "王工", "mobile": "138 0013 8000", "is_primary": "on"},
    )

    assert response.status_code == 302
    contact = Contact.objects.get(customer=bare)
    assert contact.mobile == "+8613800138000" and contact.is_primary


def test_add_contact_with_a_bad_number_is_refused_beside_it(client, users, bare):
    client.force_login(users[Role.AGENT])

    response = client.post(reverse("care:customer_add_contact", args=[bare.pk]), {"name": "王工", "mobile": "12"})

    assert response.status_code == 400 and not Contact.objects.filter(customer=bare).exists()
    assert response.context["form"].errors["mobile"]
    assert 'id="id_mobile_error"' in response.content.decode()


def test_edit_customer_saves_name_and_notes_with_history(client, users, bare):
    client.force_login(users[Role.MANAGER])

    form = client.get(reverse("care:customer_edit", args=[bare.pk]))
    response = client.post(reverse("care:customer_edit", args=[bare.pk]), {"name": "华通机械", "notes": "月结客户"})

    assert form.status_code == 200 and "空白客户" in form.content.decode()
    assert response.status_code == 302
    bare.refresh_from_db()
    assert (bare.name, bare.notes) == ("华通机械", "月结客户")
    assert Activity.objects.filter(type="customer.updated").exists()


def test_edit_customer_with_a_blank_name_is_refused_beside_it(client, users, bare):
    client.force_login(users[Role.AGENT])

    response = client.post(reverse("care:customer_edit", args=[bare.pk]), {"name": "   ", "notes": "x"})

    assert response.status_code == 400 and response.context["form"].errors["name"]
    bare.refresh_from_db()
    assert (bare.name, bare.notes) == ("空白客户", "")


def test_proof_correction_saves_through_the_service(client, users, unit):
    client.force_login(users[Role.AGENT])
    day = datetime.date.today() - datetime.timedelta(days=30)

    page = client.get(reverse("care:unit_detail", args=[unit.pk])).content.decode()
    response = client.post(
        reverse("care:unit_proof", args=[unit.pk]),
        {
            "purchase_date": day.isoformat(),
            "seller": "dealer",
            "dealer_name": "申城电器",
            "proof_reference": "FP-77",
            "reason": "发票补交",
        },
    )

    assert 'id="unit-proof-edit"' in page
    assert response.status_code == 302 and response.url == reverse("care:unit_detail", args=[unit.pk])
    unit.refresh_from_db()
    assert (unit.purchase_date, unit.dealer_name, unit.proof_reference) == (day, "申城电器", "FP-77")
    activity = Activity.objects.get(type="unit.proof_updated")
    assert activity.reason == "发票补交"


def test_proof_of_a_dealer_sale_without_the_dealer_is_refused_beside_it(client, users, unit):
    client.force_login(users[Role.AGENT])

    response = client.post(
        reverse("care:unit_proof", args=[unit.pk]),
        {"purchase_date": "", "seller": "dealer", "proof_reference": "FP-77"},
    )

    assert response.status_code == 400 and response.context["form"].errors["dealer_name"]
    unit.refresh_from_db()
    assert unit.proof_reference == "" and not Activity.objects.filter(type="unit.proof_updated").exists()


def test_a_user_who_may_not_edit_customers_sees_no_button_and_gets_403(client, users, bare, unit):
    client.force_login(users[Role.GENERAL_MANAGER])

    file = client.get(reverse("care:customer_detail", args=[bare.pk])).content.decode()
    unit_page = client.get(reverse("care:unit_detail", args=[unit.pk])).content.decode()

    assert 'id="file-actions"' not in file and "/edit/" not in file and "/sites/new/" not in file
    assert 'id="unit-proof-edit"' not in unit_page and "/proof/" not in unit_page
    for name, target in [
        ("care:customer_edit", bare.pk),
        ("care:customer_add_contact", bare.pk),
        ("care:customer_add_site", bare.pk),
        ("care:unit_proof", unit.pk),
    ]:
        assert client.get(reverse(name, args=[target])).status_code == 403
        assert (
            client.post(
                reverse(name, args=[target]), {"name": "x", "address": "y", "mobile": "13800138000"}
            ).status_code
            == 403
        )
    assert not Site.objects.filter(customer=bare).exists() and not Contact.objects.filter(customer=bare).exists()


def test_another_centres_customer_and_unit_are_404(client, bare, unit, other_centre):
    client.force_login(UserFactory(role=Role.AGENT, service_center=other_centre))

    assert client.get(reverse("care:customer_edit", args=[bare.pk])).status_code == 404
    assert (
        client.post(reverse("care:customer_add_site", args=[bare.pk]), {"name": "x", "address": "y"}).status_code == 404
    )
    assert client.post(reverse("care:unit_proof", args=[unit.pk]), {"seller": "own"}).status_code == 404
    assert not Site.objects.filter(customer=bare).exists()
