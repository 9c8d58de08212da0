"""The API's docs are not public in production (issue 8 #17; ASVS 5.0 V13.4.5): /api/v1/docs and
/api/v1/openapi.json need a session or a bearer token unless AFTERSALES["API_DOCS_PUBLIC"] (the
default only with DEBUG)."""

import pytest
from django.test import Client

from aftersales.accounts.choices import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def docs_private(settings):
    settings.AFTERSALES = {**settings.AFTERSALES, "API_DOCS_PUBLIC": False}


def test_docs_page_sends_an_anonymous_visitor_to_sign_in(docs_private):
    response = Client().get("/api/v1/docs")

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_openapi_json_answers_401_to_an_anonymous_caller(docs_private):
    response = Client().get("/api/v1/openapi.json")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_docs_open_to_a_signed_in_user_and_a_token(docs_private, users, api_client):
    browser = Client()
    browser.force_login(users[Role.AGENT])

    assert browser.get("/api/v1/docs").status_code == 200
    assert api_client(users[Role.AGENT]).get("/api/v1/openapi.json").status_code == 200
    assert Client(headers={"Authorization": "Bearer forged"}).get("/api/v1/openapi.json").status_code == 401


def test_docs_public_only_when_meant(settings):
    settings.AFTERSALES = {**settings.AFTERSALES, "API_DOCS_PUBLIC": True}

    assert Client().get("/api/v1/openapi.json").status_code == 200


def test_docs_private_by_default_without_debug():
    from aftersales.settings import base

    assert base.DEBUG is False
    assert base.AFTERSALES["API_DOCS_PUBLIC"] is False
