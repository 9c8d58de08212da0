"""Sign-in, home, language switch, CSP, and the no-inline-script/style rule for every template."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from aftersales.accounts.choices import Role
from aftersales.console.tests.conftest import PASSWORD

LOGIN_URL = "/login/"


def post_login(client, username: str, password: str = PASSWORD, **extra):
    return client.post(LOGIN_URL, {"username": username, "password": password}, **extra)


# --- login page and i18n -----------------------------------------------------------------------


@pytest.mark.django_db
def test_login_page_renders_in_chinese_by_default(client):
    response = client.get(LOGIN_URL)

    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="zh-hans">' in body
    assert "登录" in body  # "Sign in"
    assert "用户名" in body  # "Username"
    assert "<label" in body and 'for="id_username"' in body and 'for="id_password"' in body


@pytest.mark.django_db
def test_language_switch_to_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": LOGIN_URL})

    assert response.status_code == 302
    page = client.get(LOGIN_URL).content.decode()
    assert '<html lang="en">' in page
    assert "Username" in page
    assert "用户名" not in page


@pytest.mark.django_db
def test_language_switch_back_to_chinese(client):
    client.post("/i18n/setlang/", {"language": "en", "next": LOGIN_URL})
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": LOGIN_URL})

    assert "用户名" in client.get(LOGIN_URL).content.decode()


# --- sign in / out -----------------------------------------------------------------------------


def test_login_success_redirects_home(client, make_user):
    make_user("agent1")

    response = post_login(client, "agent1")

    assert response.status_code == 302
    assert response["Location"] == settings.LOGIN_REDIRECT_URL


def test_login_wrong_password_shows_error(client, make_user):
    make_user("agent1")

    response = post_login(client, "agent1", "wrong")

    assert response.status_code == 200
    assert 'id="login-errors"' in response.content.decode()


def test_login_waits_after_max_failures_and_answers_429(client, make_user, throttle_limits):
    make_user("agent1")
    for _ in range(3):
        post_login(client, "agent1", "wrong")

    response = post_login(client, "agent1")  # even the right password is not checked during the delay

    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    body = response.content.decode()
    assert 'id="login-locked"' in body
    assert 'id="login-errors"' not in body  # the message once
    assert "_auth_user_id" not in client.session


def test_login_failures_from_an_attacker_do_not_lock_the_user_elsewhere(client, make_user, throttle_limits):
    make_user("agent1")
    for _ in range(10):
        post_login(client, "agent1", "wrong", REMOTE_ADDR="203.0.113.66")

    response = post_login(client, "agent1", REMOTE_ADDR="10.1.1.2")

    assert response.status_code == 302


def test_login_made_up_names_behind_one_nat_do_not_lock_its_users(client, make_user, throttle_limits):
    make_user("agent1")
    assert post_login(client, "agent1", REMOTE_ADDR="10.1.1.1").status_code == 302  # yesterday
    client.post("/logout/")
    for name in ("x1", "x2", "x3", "x4", "x5", "x6", "x7"):
        post_login(client, name, "wrong", REMOTE_ADDR="10.1.1.1")

    response = post_login(client, "agent1", REMOTE_ADDR="10.1.1.1")

    assert response.status_code == 302


def test_login_success_clears_failures(client, make_user, throttle_limits):
    make_user("agent1")
    post_login(client, "agent1", "wrong")
    post_login(client, "agent1", "wrong")
    post_login(client, "agent1")
    client.post("/logout/")

    post_login(client, "agent1", "wrong")
    post_login(client, "agent1", "wrong")
    response = post_login(client, "agent1")

    assert response.status_code == 302


def test_logout_requires_post_and_logs_out(client, make_user):
    client.force_login(make_user("agent1"))

    assert client.get("/logout/").status_code == 405
    response = client.post("/logout/")

    assert response.status_code == 302
    assert response["Location"] == settings.LOGOUT_REDIRECT_URL
    assert client.get("/").status_code == 302


# --- home and navigation -----------------------------------------------------------------------


@pytest.mark.django_db
def test_home_requires_login(client):
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)


def test_home_shows_heading_role_and_logout(client, make_user):
    client.force_login(make_user("disp1", role=Role.DISPATCHER))

    body = client.get("/").content.decode()

    assert "我的工作" in body  # "My work"
    assert "调度" in body  # role label, Chinese only
    assert 'action="/logout/"' in body
    assert 'action="/i18n/setlang/"' in body


def test_home_redirects_technician_to_my_jobs(client, make_user):
    client.force_login(make_user("tech1", role=Role.TECHNICIAN))

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == reverse("service:tech_jobs")


def test_nav_links_follow_role(client, make_user):
    client.force_login(make_user("tech1", role=Role.TECHNICIAN))

    body = client.get("/tech/").content.decode()

    assert 'href="/tech/"' in body
    assert 'href="/calendar/"' in body
    assert 'href="/dispatch/"' not in body
    assert 'href="/admin/"' not in body
    assert 'class="nav-link" href="/"' not in body  # no "Home": for a technician it is "My jobs"


def test_home_uses_reverse_names(client, make_user):
    client.force_login(make_user())

    assert reverse("console:home") == "/"
    assert client.get(reverse("console:home")).status_code == 200


# --- security headers and templates ------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", [LOGIN_URL, "/"])
def test_pages_send_csp_header(client, make_user, path):
    client.force_login(make_user("csp"))
    if path == LOGIN_URL:
        client.logout()

    response = client.get(path)

    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "unsafe-inline" not in csp


def test_pages_load_only_local_assets(client, make_user):
    client.force_login(make_user())

    body = client.get("/").content.decode()

    assert not re.search(r"""(src|href)=["']?(https?:)?//""", body)
    assert "/static/vendor/htmx/htmx.min.js" in body
    assert '"includeIndicatorStyles": false' in body


APP_ROOT = Path(settings.BASE_DIR) / "aftersales"
TEMPLATES = sorted(p for p in APP_ROOT.glob("**/templates/**/*.html") if ".venv" not in p.parts)
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
STYLE_ATTR = re.compile(r"""\sstyle\s*=""", re.IGNORECASE)
STYLE_BLOCK = re.compile(r"<style\b", re.IGNORECASE)
EVENT_ATTR = re.compile(r"""\son[a-z]+\s*=\s*["']""", re.IGNORECASE)


def test_templates_found():
    assert APP_ROOT / "templates" / "base.html" in TEMPLATES


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(APP_ROOT)))
def test_template_has_no_inline_script_or_style(template: Path):
    text = template.read_text(encoding="utf-8")

    assert not INLINE_SCRIPT.search(text), "inline <script> without src: move it to static/js/"
    assert not STYLE_ATTR.search(text), "style= attribute: use a class in static/css/app.css"
    assert not STYLE_BLOCK.search(text), "<style> block: move it to static/css/app.css"
    assert not EVENT_ATTR.search(text), "on*= handler attribute: attach it in static/js/app.js"
