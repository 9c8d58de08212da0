"""The customer file completes itself in the console: register a unit, upload the invoice as proof of
purchase, edit a contact person or a site and take one out of use or back. Each saves through the
service of its API endpoint, shows a refusal beside its field and writes nothing, and is offered and
allowed only to those who may edit customers (403), 404 outside their scope."""

import datetime
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from PIL import Image

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.catalog.models import ProductModel
from aftersales.catalog.tests.factories import ProductModelFactory
from aftersales.customers.models import Contact, Site
from aftersales.customers.tests.factories import ContactFactory, CustomerFactory, SiteFactory
from aftersales.history.models import Activity
from aftersales.installed_base.choices import Seller
from aftersales.installed_base.models import Unit
from aftersales.installed_base.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(buffer, format="PNG")
    return SimpleUploadedFile("发票.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def customer(centre):
    return CustomerFactory(service_center=centre, name="华通机械")


@pytest.fixture
def agent(client, users):
    client.force_login(users[Role.AGENT])
    return client


# ---- register a unit ---------------------------------------------------------------------------------
def test_the_units_gap_links_to_the_registration_form(agent, customer):
    html = agent.get(reverse("care:customer_detail", args=[customer.pk])).content.decode()

    url = reverse("care:customer_add_unit", args=[customer.pk])
    assert f'<li data-gap="unit"><a href="{url}">' in html
    assert f'href="{url}"' in html.split('id="file-actions"')[1].split("</div>")[0]


def test_register_a_unit_saves_through_the_service_and_opens_its_page(agent, customer):
    site = SiteFactory(customer=customer, name="一号车间")
    model = ProductModelFactory()
    day = datetime.date.today() - datetime.timedelta(days=10)

    response = agent.post(
        reverse("care:customer_add_unit", args=[customer.pk]),
        {
            "serial_number": "sn-console-1",
            "product_model": model.pk,
            "site": site.pk,
            "purchase_date": day.isoformat(),
            "seller": "dealer",
            "dealer_name": "申城电器",
            "proof_reference": "FP-1",
            "installed_on": day.isoformat(),
        },
    )

    unit = Unit.objects.get(customer=customer)
    assert response.status_code == 302 and response.url == reverse("care:unit_detail", args=[unit.pk])
    assert (unit.serial_number, unit.site, unit.dealer_name) == ("SN-CONSOLE-1", site, "申城电器")
    assert Activity.objects.filter(type="unit.registered").exists()


def test_register_a_unit_offers_only_the_customers_sites_in_use(agent, customer):
    SiteFactory(customer=customer, name="在用厂房")
    SiteFactory(customer=customer, name="旧厂房", in_use=False)
    SiteFactory(name="别人的厂房")

    html = agent.get(reverse("care:customer_add_unit", args=[customer.pk])).content.decode()

    assert "在用厂房" in html and "旧厂房" not in html and "别人的厂房" not in html


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"serial_number": "SN-TAKEN"}, "serial_number"),  # the service's duplicate_serial (409)
        ({"seller": "dealer", "dealer_name": ""}, "dealer_name"),
        ({"purchase_date": (datetime.date.today() + datetime.timedelta(days=3)).isoformat()}, "purchase_date"),
    ],
)
def test_register_a_unit_refusal_is_shown_beside_its_field_and_nothing_is_written(agent, customer, data, field):
    UnitFactory(serial_number="SN-TAKEN")
    model = ProductModelFactory()
    before = Unit.objects.count()

    response = agent.post(
        reverse("care:customer_add_unit", args=[customer.pk]),
        {"serial_number": "SN-NEW", "product_model": model.pk, "seller": "own", **data},
    )

    assert response.status_code in (400, 409)
    assert response.context["form"].errors[field]
    assert f'id="id_{field}_error"' in response.content.decode()
    assert Unit.objects.count() == before


def test_register_a_unit_with_three_problems_shows_each_beside_its_field_at_once(agent, customer):
    UnitFactory(serial_number="SN-TAKEN")
    model = ProductModelFactory()
    before = Unit.objects.count()
    tomorrow = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()

    response = agent.post(
        reverse("care:customer_add_unit", args=[customer.pk]),
        {
            "serial_number": "sn-taken",
            "product_model": model.pk,
            "purchase_date": tomorrow,
            "seller": "dealer",
            "dealer_name": "",
        },
    )

    assert response.status_code == 400  # the first refusal's status (date_in_future), as before
    errors = response.context["form"].errors
    assert set(errors) == {"purchase_date", "dealer_name", "serial_number"}
    html = response.content.decode()
    assert all(f'id="id_{field}_error"' in html for field in errors)
    assert Unit.objects.count() == before


def _zh(text: str, **values: str) -> str:
    with translation.override("zh-hans"):
        return _(text) % values if values else _(text)


def test_register_a_unit_offers_only_active_models(agent, customer):
    ProductModelFactory(code="AC-NEW")
    ProductModelFactory(code="AC-OLD", active=False)

    html = agent.get(reverse("care:customer_add_unit", args=[customer.pk])).content.decode()

    assert "AC-NEW" in html and "AC-OLD" not in html


@pytest.mark.parametrize("stale", ["product_model", "site"])
def test_register_a_unit_with_a_choice_retired_while_the_form_was_open_shows_the_services_sentence_at_it(
    agent, customer, stale
):
    """A model retired or a site taken out of use after the page was rendered: the service's sentence
    (``model_retired`` / ``not_in_use``) at that field, marked red, not "Select a valid choice" and not
    above the form; nothing written."""
    model = ProductModelFactory(code="AC-7")
    site = SiteFactory(customer=customer, name="一号车间")
    page = agent.get(reverse("care:customer_add_unit", args=[customer.pk])).content.decode()
    assert f'value="{model.pk}"' in page and f'value="{site.pk}"' in page  # both offered when the page opened
    if stale == "product_model":
        ProductModel.objects.filter(pk=model.pk).update(active=False)
        sentence = _zh("Product model %(code)s is retired: new units cannot be registered with it.", code="AC-7")
    else:
        Site.objects.filter(pk=site.pk).update(in_use=False)
        sentence = _zh("This site is not in use any more.")
    before = Unit.objects.count()

    response = agent.post(
        reverse("care:customer_add_unit", args=[customer.pk]),
        {"serial_number": "SN-STALE-1", "product_model": model.pk, "site": site.pk, "seller": "own"},
    )

    assert response.status_code == 400
    form = response.context["form"]
    assert dict(form.errors) == {stale: [sentence]}
    html = response.content.decode()
    assert f'<div class="invalid-feedback d-block" id="id_{stale}_error">{sentence}</div>' in html
    assert re.search(rf'<select name="{stale}" class="[^"]*\bis-invalid\b[^"]*"', html), "the field is marked red"
    assert 'class="alert alert-danger"' not in html  # nothing above the form
    assert Unit.objects.count() == before


def test_register_a_unit_at_another_customers_site_is_still_not_a_valid_choice(agent, customer):
    other = SiteFactory(name="别人的厂房")
    before = Unit.objects.count()

    response = agent.post(
        reverse("care:customer_add_unit", args=[customer.pk]),
        {"serial_number": "SN-X-1", "product_model": ProductModelFactory().pk, "site": other.pk, "seller": "own"},
    )

    assert response.status_code == 400 and list(response.context["form"].errors) == ["site"]
    assert Unit.objects.count() == before


# ---- upload the proof of purchase --------------------------------------------------------------------
def test_upload_the_invoice_stores_it_and_the_unit_page_links_it(agent, customer):
    unit = UnitFactory(customer=customer, seller=Seller.DEALER, dealer_name="申城电器", proof_reference="")

    page = agent.get(reverse("care:unit_detail", args=[unit.pk])).content.decode()
    response = agent.post(reverse("care:unit_proof_file", args=[unit.pk]), {"file": png()})

    assert 'id="unit-proof-upload"' in page
    assert response.status_code == 302 and response.url == reverse("care:unit_detail", args=[unit.pk])
    unit.refresh_from_db()
    assert unit.proof_file.name.endswith(".png") and unit.has_proof_of_purchase
    assert Activity.objects.filter(type="unit.proof_attached").exists()
    after = agent.get(reverse("care:unit_detail", args=[unit.pk])).content.decode()
    assert reverse("care:unit_proof_download", args=[unit.pk]) in after
    download = agent.get(reverse("care:unit_proof_download", args=[unit.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "image/png"
    assert download["Cache-Control"].startswith("private, no-store")


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (lambda: SimpleUploadedFile("x.pdf", b"just text", content_type="application/pdf"), "JPEG, PNG, WEBP, PDF"),
        (lambda: None, "Choose a file."),
    ],
)
def test_upload_a_wrong_file_is_refused_beside_it_with_the_apis_rule(agent, customer, upload, message):
    unit = UnitFactory(customer=customer)
    file = upload()

    with_language = {"HTTP_ACCEPT_LANGUAGE": "en"}
    response = agent.post(
        reverse("care:unit_proof_file", args=[unit.pk]), {"file": file} if file else {}, **with_language
    )

    assert response.status_code == 400
    assert response.context["form"].errors["file"]
    assert 'enctype="multipart/form-data"' in response.content.decode()
    unit.refresh_from_db()
    assert not unit.proof_file and not Activity.objects.filter(type="unit.proof_attached").exists()


def test_upload_larger_than_the_limit_is_refused(agent, customer, settings):
    settings.AFTERSALES = {**settings.AFTERSALES, "PHOTO_MAX_BYTES": 10}
    unit = UnitFactory(customer=customer)

    response = agent.post(reverse("care:unit_proof_file", args=[unit.pk]), {"file": png()})

    assert response.status_code == 400 and response.context["form"].errors["file"]
    assert not Unit.objects.get(pk=unit.pk).proof_file


def test_no_proof_file_download_is_404(agent, customer):
    unit = UnitFactory(customer=customer)

    assert agent.get(reverse("care:unit_proof_download", args=[unit.pk])).status_code == 404


# ---- edit and retire contacts and sites ---------------------------------------------------------------
def test_the_file_lists_each_contact_and_site_with_an_edit_link(agent, customer):
    contact = ContactFactory(customer=customer, name="王工")
    site = SiteFactory(customer=customer, name="一号车间")
    ContactFactory(customer=customer, name="离职者", in_use=False)

    html = agent.get(reverse("care:customer_detail", args=[customer.pk])).content.decode()

    assert reverse("care:customer_edit_contact", args=[customer.pk, contact.pk]) in html
    assert reverse("care:customer_edit_site", args=[customer.pk, site.pk]) in html
    assert "<del>离职者</del>" in html


def test_edit_a_contact_saves_through_the_service(agent, customer):
    contact = ContactFactory(customer=customer, name="王工", mobile="+8613800138000")
    url = reverse("care:customer_edit_contact", args=[customer.pk, contact.pk])

    form = agent.get(url).content.decode()
    response = agent.post(url, {"name": "王工程师", "mobile": "139 0013 9000", "reason": "换号"})

    assert "王工" in form and 'id="in-use-form"' in form
    # The number as the agent reads it everywhere else, not the stored +86 form.
    assert 'value="138 0013 8000"' in form and "+8613800138000" not in form
    assert response.status_code == 302
    contact.refresh_from_db()
    assert (contact.name, contact.mobile) == ("王工程师", "+8613900139000")
    assert Activity.objects.get(type="customer.contact_updated").reason == "换号"


def test_edit_a_contact_with_another_contacts_number_is_refused_beside_it(agent, customer):
    contact = ContactFactory(customer=customer, mobile="+8613800138000")
    ContactFactory(customer=customer, mobile="+8613900139000")

    response = agent.post(
        reverse("care:customer_edit_contact", args=[customer.pk, contact.pk]),
        {"name": "新名", "mobile": "13900139000"},
    )

    assert response.status_code == 409 and response.context["form"].errors["mobile"]
    assert Contact.objects.get(pk=contact.pk).mobile == "+8613800138000"


def test_take_a_contact_out_of_use_and_back(agent, customer):
    contact = ContactFactory(customer=customer, name="王工", is_primary=True)
    url = reverse("care:customer_contact_in_use", args=[customer.pk, contact.pk])

    out = agent.post(url, {"in_use": "0", "reason": "已离职"})
    file = agent.get(reverse("care:customer_detail", args=[customer.pk])).content.decode()
    page = agent.get(reverse("care:customer_edit_contact", args=[customer.pk, contact.pk])).content.decode()
    back = agent.post(url, {"in_use": "1"})

    assert out.status_code == 302 and back.status_code == 302
    assert '<li data-gap="contact">' in file  # no contact in use: the gap is back
    assert 'name="in_use" value="1"' in page  # the page now offers to put it back
    assert Contact.objects.get(pk=contact.pk).in_use
    assert Activity.objects.get(type="customer.contact_retired").reason == "已离职"


def test_taking_out_of_use_with_a_too_long_reason_is_refused_beside_it(agent, customer):
    contact = ContactFactory(customer=customer)

    response = agent.post(
        reverse("care:customer_contact_in_use", args=[customer.pk, contact.pk]), {"in_use": "0", "reason": "x" * 501}
    )

    assert response.status_code == 400 and response.context["in_use_form"].errors["reason"]
    assert Contact.objects.get(pk=contact.pk).in_use


def test_edit_and_retire_a_site(agent, customer):
    site = SiteFactory(customer=customer, name="一号车间", address="张江路1号")
    edit = reverse("care:customer_edit_site", args=[customer.pk, site.pk])

    blank = agent.post(edit, {"name": "一号车间", "address": " "})
    saved = agent.post(edit, {"name": "一号车间", "province": "上海", "city": "上海", "address": "张江路2号"})
    retired = agent.post(reverse("care:customer_site_in_use", args=[customer.pk, site.pk]), {"in_use": "0"})

    assert blank.status_code == 400 and blank.context["form"].errors["address"]
    assert saved.status_code == 302 and retired.status_code == 302
    site.refresh_from_db()
    assert site.address == "张江路2号" and not site.in_use


def test_a_contact_or_site_of_another_customer_is_404(agent, customer):
    theirs = ContactFactory(name="别人")
    their_site = SiteFactory()

    assert agent.get(reverse("care:customer_edit_contact", args=[customer.pk, theirs.pk])).status_code == 404
    assert (
        agent.post(reverse("care:customer_site_in_use", args=[customer.pk, their_site.pk]), {"in_use": "0"}).status_code
        == 404
    )
    assert Site.objects.get(pk=their_site.pk).in_use


def test_another_centres_customer_is_404_for_every_new_form(client, customer, other_centre):
    contact = ContactFactory(customer=customer)
    site = SiteFactory(customer=customer)
    unit = UnitFactory(customer=customer)
    client.force_login(UserFactory(role=Role.AGENT, service_center=other_centre))

    for name, args in [
        ("care:customer_add_unit", [customer.pk]),
        ("care:customer_edit_contact", [customer.pk, contact.pk]),
        ("care:customer_contact_in_use", [customer.pk, contact.pk]),
        ("care:customer_edit_site", [customer.pk, site.pk]),
        ("care:customer_site_in_use", [customer.pk, site.pk]),
        ("care:unit_proof_file", [unit.pk]),
    ]:
        assert client.post(reverse(name, args=args), {"in_use": "0", "name": "x"}).status_code == 404, name
    assert Contact.objects.get(pk=contact.pk).in_use and Site.objects.get(pk=site.pk).in_use


def test_a_user_who_may_not_edit_customers_sees_no_link_and_gets_403(client, users, customer):
    contact = ContactFactory(customer=customer)
    site = SiteFactory(customer=customer)
    unit = UnitFactory(customer=customer)
    client.force_login(users[Role.GENERAL_MANAGER])

    file = client.get(reverse("care:customer_detail", args=[customer.pk])).content.decode()
    unit_page = client.get(reverse("care:unit_detail", args=[unit.pk])).content.decode()

    assert "/contact-people/" not in file and "/units/new/" not in file and f"/sites/{site.pk}/" not in file
    assert 'id="unit-proof-upload"' not in unit_page
    for name, args in [
        ("care:customer_add_unit", [customer.pk]),
        ("care:customer_edit_contact", [customer.pk, contact.pk]),
        ("care:customer_edit_site", [customer.pk, site.pk]),
        ("care:unit_proof_file", [unit.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 403, name
    for name, args in [
        ("care:customer_contact_in_use", [customer.pk, contact.pk]),
        ("care:customer_site_in_use", [customer.pk, site.pk]),
        ("care:unit_proof_file", [unit.pk]),
    ]:
        assert client.post(reverse(name, args=args), {"in_use": "0", "file": png()}).status_code == 403, name
    assert Contact.objects.get(pk=contact.pk).in_use and Site.objects.get(pk=site.pk).in_use
    assert not Unit.objects.get(pk=unit.pk).proof_file


# ---- the file's timeline shows the records' changes ----------------------------------------------------
def test_the_timeline_shows_a_contact_and_a_site_edited_and_taken_out_of_use(agent, users, customer):
    contact = ContactFactory(customer=customer, name="王工", mobile="+8613800138000")
    site = SiteFactory(customer=customer, name="一号车间", address="张江路1号")
    agent.post(
        reverse("care:customer_edit_contact", args=[customer.pk, contact.pk]),
        {"name": "王工", "mobile": "13900139000", "reason": "换号了"},
    )
    agent.post(
        reverse("care:customer_contact_in_use", args=[customer.pk, contact.pk]), {"in_use": "0", "reason": "已离职"}
    )
    agent.post(
        reverse("care:customer_edit_site", args=[customer.pk, site.pk]),
        {"name": "一号车间", "province": "上海", "city": "上海", "address": "张江路2号"},
    )
    agent.post(reverse("care:customer_site_in_use", args=[customer.pk, site.pk]), {"in_use": "0"})

    response = agent.get(reverse("care:customer_detail", args=[customer.pk]))

    records = [item for item in response.context["file"].timeline if item.kind == "record"]
    assert [item.title.split(" · ")[0] for item in records] == ["停用地点", "修改地点", "停用联系人", "修改联系人"]
    edited_contact, retired_contact = records[3], records[2]
    assert "王工 138 0013 8000" in edited_contact.title and edited_contact.title.endswith(f" · {users[Role.AGENT]}")
    assert edited_contact.detail == "联系人 · 手机：138 0013 8000 → 139 0013 9000 — 换号了"
    edited_site = records[1]
    # Several changes at once, joined by Chinese's semicolon (an ASCII "; " before the 2026-12-07 review).
    assert edited_site.detail.count("；") >= 1 and "; " not in edited_site.detail, edited_site.detail
    assert retired_contact.detail.startswith("联系人 · 在用：是 → 否") and retired_contact.detail.endswith("— 已离职")
    assert "张江路1号 → " in records[1].detail and "张江路2号" in records[1].detail
    page = response.content.decode()
    assert page.count('data-kind="record"') == 4 and "换号了" in page


def test_the_timeline_leaves_out_other_customers_records(agent, customer):
    theirs = ContactFactory(customer=CustomerFactory(service_center=customer.service_center))
    agent.post(reverse("care:customer_contact_in_use", args=[theirs.customer_id, theirs.pk]), {"in_use": "0"})

    response = agent.get(reverse("care:customer_detail", args=[customer.pk]))

    assert not [item for item in response.context["file"].timeline if item.kind == "record"]
