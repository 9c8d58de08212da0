"""The company profile (settings → Company profile): one row an administrator saves, the environment's
name until then, read from the cache by every page, print and message, and refused whole on bad input."""

from typing import Any
from unittest import mock

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from aftersales.accounts import selectors
from aftersales.accounts.choices import Role
from aftersales.accounts.models import CompanyProfile
from aftersales.accounts.selectors import company_profile, default_company
from aftersales.accounts.services import update_company_profile
from aftersales.accounts.validators import context_words
from aftersales.core.errors import PermissionDeniedError, ValidationFailed
from aftersales.core.models import AuditLog
from aftersales.core.phones import normalize_phone
from aftersales.core.tax_numbers import credit_code_check_char, is_credit_code

pytestmark = pytest.mark.django_db

JSON = "application/json"
CODE = "91310112MA1GB00018"  # a unified social credit code with its check character
PROFILE = {
    "name": "沪东精密机械有限公司",
    "hotline": "400-800-1234",
    "address": "上海市徐汇区漕宝路1288号",
    "postcode": "200233",
    "email": "service@hudong.example",
    "credit_code": CODE.lower(),
    "bank_name": "中国工商银行上海漕河泾支行",
    "bank_account": "1001 2345 0910 0012 345",
}


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- the default and the service ---------------------------------------------------------------------


def test_profile_is_the_environments_name_until_saved(settings):
    settings.AFTERSALES = {**settings.AFTERSALES, "COMPANY_NAME": "环境变量公司"}

    company = company_profile()

    assert (company.name, company.saved, company.hotline, company.credit_code) == ("环境变量公司", False, "", "")


def test_admin_saves_the_profile_normalised(users):
    profile = update_company_profile(by=users[Role.ADMIN], **PROFILE)

    assert profile.pk == CompanyProfile.SINGLETON_ID
    assert (profile.hotline, profile.credit_code, profile.bank_account) == ("400 800 1234", CODE, "1001234509100012345")
    company = company_profile()
    assert company.saved and company.name == "沪东精密机械有限公司" and company.hotline == "400 800 1234"


def test_saving_again_changes_the_one_row_and_is_audited(users):
    admin = users[Role.ADMIN]
    update_company_profile(by=admin, **PROFILE)

    update_company_profile(by=admin, **{**PROFILE, "name": "沪东精密", "hotline": "021-64871200"})

    assert CompanyProfile.objects.count() == 1
    assert company_profile().name == "沪东精密"
    audit = AuditLog.objects.filter(action="accounts.update_company_profile").order_by("-pk").first()
    assert audit is not None and audit.user == admin
    assert (
        audit.detail["previous"]["name"] == "沪东精密机械有限公司" and audit.detail["new"]["hotline"] == "021 6487 1200"
    )


@pytest.mark.parametrize("role", [Role.MANAGER, Role.GENERAL_MANAGER, Role.AGENT, Role.FINANCE])
def test_only_an_administrator_saves_the_profile(users, role):
    with pytest.raises(PermissionDeniedError):
        update_company_profile(by=users[role], **PROFILE)

    assert not CompanyProfile.objects.exists()


BAD = [
    ({"name": "  "}, "name", "required"),
    ({"name": "名" * 101}, "name", "too_long"),
    ({"hotline": "12345"}, "hotline", "invalid_phone"),
    ({"credit_code": "91310112MA1GB00019"}, "credit_code", "invalid_credit_code"),  # wrong check character
    ({"credit_code": "913101120000000"}, "credit_code", "invalid_credit_code"),  # a buyer's old 15 characters
    ({"credit_code": "abc"}, "credit_code", "invalid_tax_number"),
    ({"postcode": "20023"}, "postcode", "invalid_postcode"),
    ({"email": "service@"}, "email", "invalid_email"),
    ({"bank_account": "12-34"}, "bank_account", "invalid_bank_account"),
    ({"bank_name": ""}, "bank_name", "required"),
    ({"bank_account": ""}, "bank_account", "required"),
]


@pytest.mark.parametrize(("change", "field", "code"), BAD, ids=[f"{b[1]}-{b[2]}" for b in BAD])
def test_bad_input_is_refused_on_its_field_and_nothing_is_written(users, change, field, code):
    admin = users[Role.ADMIN]
    update_company_profile(by=admin, **PROFILE)
    before = list(CompanyProfile.objects.values())
    audits = AuditLog.objects.count()

    with pytest.raises(ValidationFailed) as refused:
        update_company_profile(by=admin, **{**PROFILE, **change})

    assert (refused.value.field, refused.value.code) == (field, code)
    assert list(CompanyProfile.objects.values()) == before
    assert AuditLog.objects.count() == audits


HOTLINES = [
    ("95105", "95105"),  # a national 95 service number, 5 digits
    ("9555 5", "95555"),
    ("955-888", "955888"),  # 6 digits
    ("96777", "96777"),  # a local 96 service number
    ("400-800-1234", "400 800 1234"),
    ("8008101234", "800 810 1234"),
    ("021-64871200", "021 6487 1200"),
    ("13812345678", "138 1234 5678"),
]


@pytest.mark.parametrize(("typed", "kept"), HOTLINES, ids=[h[0] for h in HOTLINES])
def test_hotline_may_be_a_service_number_and_is_kept_as_shown(users, typed, kept):
    profile = update_company_profile(by=users[Role.ADMIN], **{**PROFILE, "hotline": typed})

    assert profile.hotline == kept


JUNK_HOTLINES = ["95", "9510", "9558800", "95abc", "10086", "110", "12345", "400-800"]


@pytest.mark.parametrize("typed", JUNK_HOTLINES)
def test_hotline_that_is_no_service_number_is_refused(users, typed):
    with pytest.raises(ValidationFailed) as refused:
        update_company_profile(by=users[Role.ADMIN], **{**PROFILE, "hotline": typed})

    assert (refused.value.field, refused.value.code) == ("hotline", "invalid_phone")
    assert not CompanyProfile.objects.exists()


def test_a_person_may_not_give_a_service_number_as_their_phone():
    with pytest.raises(ValidationFailed):
        normalize_phone("95105")


def test_credit_code_check_character_follows_gb_32100():
    # The check character of 91350100M000100Y4 (a published example of GB 32100) is 3.
    assert credit_code_check_char("91350100M000100Y4") == "3"
    assert is_credit_code("91350100M000100Y43") and not is_credit_code("91350100M000100Y44")
    assert not is_credit_code("91350100M000100YI3")  # I is not among the code's characters


def test_a_password_may_not_contain_the_saved_company_name(users):
    update_company_profile(by=users[Role.ADMIN], **{**PROFILE, "name": "沪东精密"})

    assert "沪东精密" in context_words()


# --- the cache -----------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)  # committed: inside the saving transaction reads bypass the cache
def test_profile_is_read_once_then_from_the_cache(users, django_assert_num_queries):
    update_company_profile(by=users[Role.ADMIN], **PROFILE)
    with django_assert_num_queries(1):
        company_profile()
    with django_assert_num_queries(0):
        assert company_profile().name == PROFILE["name"]


def test_no_saved_profile_is_cached_too(django_assert_num_queries):
    company_profile()
    with django_assert_num_queries(0):
        assert not company_profile().saved


@pytest.mark.django_db(transaction=True)
def test_a_save_is_seen_at_once_by_a_reader_that_cached_the_old_profile(users):
    admin = users[Role.ADMIN]
    update_company_profile(by=admin, **PROFILE)
    assert company_profile().name == PROFILE["name"]  # cached, as every app server would have it

    update_company_profile(by=admin, **{**PROFILE, "name": "新名称有限公司"})

    assert company_profile().name == "新名称有限公司"


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_save_is_never_cached(users):
    admin = users[Role.ADMIN]
    update_company_profile(by=admin, **PROFILE)
    company_profile()

    with pytest.raises(RuntimeError), transaction.atomic():
        update_company_profile(by=admin, **{**PROFILE, "name": "回滚的名称"})
        assert company_profile().name == "回滚的名称"  # this transaction sees its own change
        raise RuntimeError

    assert company_profile().name == PROFILE["name"]


@pytest.mark.django_db(transaction=True)
def test_a_generation_set_by_another_server_makes_the_cached_copy_stale(users):
    update_company_profile(by=users[Role.ADMIN], **PROFILE)
    company_profile()
    CompanyProfile.objects.update(name="直接改的名称")  # behind the model's back: the cache still answers

    assert company_profile().name == PROFILE["name"]
    selectors.forget_company_profile()  # what another server's save does
    assert company_profile().name == "直接改的名称"


# --- the settings screen -----------------------------------------------------------------------------


def test_settings_screen_says_where_the_name_comes_from_until_saved(users):
    body = login(users[Role.ADMIN]).get("/settings/company/").content.decode()

    assert 'id="company-default"' in body and "AFTERSALES_COMPANY_NAME" in body
    assert 'href="/settings/company/"' in body  # the side menu's entry


def test_admin_saves_the_profile_on_screen_and_the_header_shows_it(users):
    client = login(users[Role.ADMIN])

    response = client.post("/settings/company/", PROFILE)

    assert response.status_code == 302 and response["Location"] == "/settings/company/"
    page = client.get("/settings/company/").content.decode()
    assert 'id="company-default"' not in page and 'value="400 800 1234"' in page
    assert "沪东精密机械有限公司" in client.get("/").content.decode()  # the header of every page


def test_a_refused_save_keeps_the_saved_name_in_the_title(users):
    update_company_profile(by=users[Role.ADMIN], **PROFILE)

    response = login(users[Role.ADMIN]).post("/settings/company/", {**PROFILE, "name": "新名称", "postcode": "1"})

    assert response.status_code == 200 and response.context["form"].errors["postcode"]
    assert str(response.context["object"]) == PROFILE["name"]
    assert 'value="新名称"' in response.content.decode()  # what was typed stays in the field


def test_a_refusal_shows_next_to_its_field_and_saves_nothing(users):
    response = login(users[Role.ADMIN]).post("/settings/company/", {**PROFILE, "credit_code": "91310112MA1GB00019"})

    assert response.status_code == 200
    assert response.context["form"].errors["credit_code"]
    assert 'id="id_credit_code_error"' in response.content.decode()
    assert not CompanyProfile.objects.exists()


@pytest.mark.parametrize("role", [Role.MANAGER, Role.GENERAL_MANAGER, Role.AGENT])
def test_settings_screen_is_for_administrators(users, role):
    client = login(users[role])

    assert client.get("/settings/company/").status_code == 403
    assert client.post("/settings/company/", PROFILE).status_code == 403
    assert not CompanyProfile.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("saved", [False, True], ids=["default", "saved"])
def test_a_console_page_gains_no_query_from_the_profile(users, saved):
    if saved:
        update_company_profile(by=users[Role.ADMIN], **PROFILE)
    client = login(users[Role.AGENT])

    def count() -> int:
        client.get("/")  # warms the per-process and shared caches
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        return len(queries.captured_queries)

    with mock.patch("aftersales.accounts.context_processors.company_profile", return_value=default_company()):
        without_profile = count()
    assert count() == without_profile


# --- the API -------------------------------------------------------------------------------------------


def test_api_reads_the_default_then_saves_the_profile(users, api_client):
    admin = api_client(users[Role.ADMIN])

    before = admin.get("/api/v1/company-profile").json()
    saved = admin.put("/api/v1/company-profile", PROFILE, content_type=JSON)

    assert before["saved"] is False and before["hotline"] == ""
    assert saved.status_code == 200
    assert saved.json() == {**PROFILE, "hotline": "400 800 1234", "credit_code": CODE,
                            "bank_account": "1001234509100012345", "saved": True}  # fmt: skip
    assert admin.get("/api/v1/company-profile").json()["name"] == PROFILE["name"]


def test_api_saves_a_95_service_number_as_the_hotline(users, api_client):
    saved = api_client(users[Role.ADMIN]).put(
        "/api/v1/company-profile", {**PROFILE, "hotline": "95105"}, content_type=JSON
    )

    assert saved.status_code == 200 and saved.json()["hotline"] == "95105"


def test_api_refuses_a_bad_field_with_its_name_and_writes_nothing(users, api_client):
    response = api_client(users[Role.ADMIN]).put(
        "/api/v1/company-profile", {**PROFILE, "hotline": "12345"}, content_type=JSON
    )

    assert response.status_code == 400
    assert (response.json()["code"], response.json()["field"]) == ("invalid_phone", "hotline")
    assert not CompanyProfile.objects.exists()


def test_api_refuses_an_unknown_field(users, api_client):
    response = api_client(users[Role.ADMIN]).put(
        "/api/v1/company-profile", {**PROFILE, "website": "x"}, content_type=JSON
    )

    assert response.status_code == 400 and not CompanyProfile.objects.exists()


@pytest.mark.parametrize("role", [Role.MANAGER, Role.AGENT])
def test_api_is_for_administrators(users, api_client, role):
    client = api_client(users[role])

    assert client.get("/api/v1/company-profile").status_code == 403
    assert client.put("/api/v1/company-profile", PROFILE, content_type=JSON).status_code == 403
    assert not CompanyProfile.objects.exists()
