import pytest

from aftersales.accounts.choices import Role
from aftersales.accounts.tests.factories import UserFactory


@pytest.mark.django_db
def test_login_page_is_chinese_even_for_an_english_browser(client):
    response = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert response["Content-Language"] == "zh-hans"
    assert 'lang="zh-hans"' in response.content.decode()


@pytest.mark.django_db
def test_user_language_choice_is_kept_on_the_user(client):
    user = UserFactory(role=Role.AGENT)
    client.force_login(user)

    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    user.refresh_from_db()
    other_device = client.__class__()
    other_device.force_login(user)
    response = other_device.get("/")

    assert user.language == "en"
    assert response["Content-Language"] == "en"


@pytest.mark.django_db
def test_unknown_language_is_not_saved(client):
    user = UserFactory(role=Role.AGENT)
    client.force_login(user)

    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    user.refresh_from_db()

    assert user.language == ""


def test_chinese_name_reads_family_name_first():
    from aftersales.accounts.models import User

    assert User(first_name="伟", last_name="张").get_full_name() == "张伟"
    assert User(first_name="Ada", last_name="Lovelace").get_full_name() == "Ada Lovelace"
