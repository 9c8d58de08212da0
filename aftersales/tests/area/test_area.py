"""The pretend area plugs into every shared screen through the registries alone.

Each test shows one registration at work for a user whose predicate says yes, and hidden (or
refused) for one whose predicate says no."""

import pytest
from django.urls import reverse

from aftersales.accounts.choices import Role
from aftersales.accounts.models import ServiceCenter, User
from aftersales.core.errors import PermissionDeniedError
from aftersales.tests.area.models import Area

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _area_on(settings):
    settings.AREA_ENABLED = True


@pytest.fixture
def centre():
    return ServiceCenter.objects.create(code="SH", name="Shanghai")


@pytest.fixture
def make_user(centre):
    def make(role: str, **extra) -> User:
        return User.objects.create_user(username=f"u-{role}", password="x", role=role, service_center=centre, **extra)

    return make


# ---- navigation ---------------------------------------------------------------------------------
def test_menu_entry_shows_for_a_user_whose_predicate_says_yes(client, make_user):
    client.force_login(make_user(Role.AGENT))

    body = client.get("/").content.decode()

    assert 'href="/settings/areas/"' in body
    assert 'data-nav-group="data"' in body


def test_menu_entry_hidden_from_a_user_whose_predicate_says_no(client, make_user):
    client.force_login(make_user(Role.FINANCE))

    assert 'href="/settings/areas/"' not in client.get("/").content.decode()


def test_menu_entry_hidden_when_the_area_is_off(client, make_user, settings):
    settings.AREA_ENABLED = False
    client.force_login(make_user(Role.AGENT))

    assert 'href="/settings/areas/"' not in client.get("/").content.decode()


# ---- settings section (a model, a form and services; the generic screens serve it) -------------
def test_settings_section_listed_and_served_for_a_manager(client, make_user):
    Area.objects.create(code="EAST", name="East China")
    client.force_login(make_user(Role.MANAGER))

    page = client.get(reverse("core_settings:list", kwargs={"section": "areas"}))

    assert page.status_code == 200
    html = page.content.decode()
    assert "Sales areas" in html
    assert "EAST" in html and "East China" in html
    assert 'href="/settings/areas/new/"' in html


def test_settings_section_in_the_side_menu_of_every_settings_screen(client, make_user):
    client.force_login(make_user(Role.MANAGER))

    html = client.get(reverse("accounts:centre_list")).content.decode()

    assert 'href="/settings/areas/"' in html


def test_settings_section_create_and_edit_go_through_the_services(client, make_user):
    client.force_login(make_user(Role.MANAGER))

    created = client.post("/settings/areas/new/", {"code": "WEST", "name": "West"})
    area = Area.objects.get(code="WEST")
    edited = client.post(f"/settings/areas/{area.pk}/", {"code": "WEST", "name": "West China"})

    assert created.status_code == 302 and created["Location"] == "/settings/areas/"
    assert edited.status_code == 302
    area.refresh_from_db()
    assert area.name == "West China"


def test_settings_section_service_error_is_a_form_error_and_writes_nothing(client, make_user):
    client.force_login(make_user(Role.MANAGER))

    response = client.post("/settings/areas/new/", {"code": "west", "name": "West"})

    assert response.status_code == 200
    assert "Codes are upper case." in response.content.decode()
    assert not Area.objects.exists()


@pytest.mark.parametrize("path", ["/settings/areas/", "/settings/areas/new/"])
def test_settings_section_refused_to_a_user_whose_predicate_says_no(client, make_user, path):
    client.force_login(make_user(Role.DISPATCHER))

    assert client.get(path).status_code == 403
    assert client.post("/settings/areas/new/", {"code": "X", "name": "X"}).status_code == 403
    assert not Area.objects.exists()


def test_settings_section_hidden_from_the_side_menu_when_its_predicate_says_no(client, make_user, settings):
    settings.AREA_ENABLED = False
    client.force_login(make_user(Role.MANAGER))

    html = client.get(reverse("accounts:centre_list")).content.decode()

    assert 'href="/settings/areas/"' not in html
    assert client.get("/settings/areas/").status_code == 403


def test_unknown_settings_section_is_404(client, make_user):
    client.force_login(make_user(Role.MANAGER))

    assert client.get("/settings/nope/").status_code == 404
    assert client.get("/settings/centres-x/1/").status_code == 404


# ---- home panel ---------------------------------------------------------------------------------
def test_home_panel_shows_for_a_user_whose_predicate_says_yes(client, make_user):
    Area.objects.create(code="EAST", name="East China")
    client.force_login(make_user(Role.AGENT))

    body = client.get("/").content.decode()

    assert 'id="area-panel"' in body
    assert "Sales areas: 1" in body


def test_home_panel_hidden_from_a_user_whose_predicate_says_no(client, make_user):
    client.force_login(make_user(Role.FINANCE))

    assert 'id="area-panel"' not in client.get("/").content.decode()


# ---- import kind ----------------------------------------------------------------------------------
def csv_file(text: str, name: str = "areas.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, ("\ufeff" + text).encode("utf-8"), content_type="text/csv")


def test_import_kind_offered_to_a_user_whose_predicate_says_yes(client, make_user):
    client.force_login(make_user(Role.MANAGER))

    body = client.get("/import/").content.decode()

    assert 'value="areas"' in body
    assert 'href="/import/template/areas.xlsx"' in body


def test_import_kind_hidden_from_a_user_whose_predicate_says_no(client, make_user):
    client.force_login(make_user(Role.AGENT))

    body = client.get("/import/").content.decode()

    assert 'value="customers"' in body  # the screen is there, without the area kind
    assert 'value="areas"' not in body
    assert client.get("/import/template/areas.csv").status_code == 403


def test_import_kind_runs_through_the_machinery_of_exchange(client, make_user):
    client.force_login(make_user(Role.MANAGER))

    preview = client.post("/import/preview/", {"kind": "areas", "file": csv_file("code,name\nEAST,East\n")})
    assert preview.status_code == 200
    assert not Area.objects.exists()  # the preview writes nothing
    digest = preview.context["digest"]
    done = client.post("/import/run/", {"kind": "areas", "digest": digest, "file": csv_file("code,name\nEAST,East\n")})

    assert done.status_code == 200
    assert list(Area.objects.values_list("code", flat=True)) == ["EAST"]


def test_import_kind_refused_to_a_user_whose_predicate_says_no(client, make_user):
    from aftersales.exchange.importers import run_import

    user = make_user(Role.AGENT)
    client.force_login(user)

    response = client.post("/import/run/", {"kind": "areas", "file": csv_file("code,name\nEAST,East\n")})

    assert response.status_code == 400  # not a choice for this user
    with pytest.raises(PermissionDeniedError):
        run_import(kind="areas", file=csv_file("code,name\nEAST,East\n"), by=user)
    assert not Area.objects.exists()


# ---- export kind ----------------------------------------------------------------------------------
def test_export_kind_downloads_for_a_user_whose_predicate_says_yes(client, make_user):
    Area.objects.create(code="EAST", name="East China")
    client.force_login(make_user(Role.MANAGER))

    response = client.get("/exports/areas.csv")

    assert response.status_code == 200
    assert "EAST,East China" in response.content.decode("utf-8-sig")


def test_export_kind_refused_to_a_user_whose_predicate_says_no(client, make_user):
    client.force_login(make_user(Role.AGENT))

    assert client.get("/exports/areas.csv").status_code == 403
    assert client.get("/exports/nope.csv").status_code == 404


# ---- timeline entry -------------------------------------------------------------------------------
@pytest.fixture
def order(make_user):
    from aftersales.customers.tests.factories import CustomerFactory
    from aftersales.service.tests.factories import make_order

    agent = make_user(Role.AGENT)
    return make_order(by=agent, customer=CustomerFactory(service_center=agent.service_center))


def test_timeline_entry_on_the_order_for_a_user_whose_predicate_says_yes(client, order):
    client.force_login(User.objects.get(role=Role.AGENT))

    body = client.get(f"/orders/{order.pk}/").content.decode()

    assert 'data-source="area.orders"' in body
    # merged by time with the order's own events: after "created", a minute earlier
    timeline = body.split('class="list-unstyled order-timeline')[1]
    assert timeline.index('data-source="service.events"') < timeline.index('data-source="area.orders"')


def test_timeline_entry_hidden_from_a_user_whose_predicate_says_no(client, order, make_user):
    client.force_login(make_user(Role.FINANCE))

    body = client.get(f"/orders/{order.pk}/").content.decode()

    assert 'data-source="service.events"' in body
    assert 'data-source="area.orders"' not in body
