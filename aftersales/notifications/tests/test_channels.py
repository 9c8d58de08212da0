"""The adapters that leave the machine, against a local HTTP server standing in for the gateways."""

import base64
import hashlib
import hmac
import json
import runpy
import socketserver
import threading
import urllib.parse
import warnings
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.utils.deprecation import RemovedInDjango2028Warning

from aftersales.notifications.channels import (
    ChannelError,
    ConsoleBackend,
    DingTalkRobotBackend,
    EmailBackend,
    HttpSmsBackend,
    WeComRobotBackend,
    dingtalk_signed_url,
)
from aftersales.notifications.channels import Delivery as D
from aftersales.settings import base as base_settings


class Gateway:
    """Records each POST; answers with ``status`` and ``answer``."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.status = 200
        self.answer: dict[str, Any] = {"errcode": 0, "errmsg": "ok"}
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers["Content-Length"])
                gateway.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "json": json.loads(self.rfile.read(length))}
                )
                body = json.dumps(gateway.answer).encode()
                self.send_response(gateway.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"


@pytest.fixture
def gateway() -> Iterator[Gateway]:
    gw = Gateway()
    thread = threading.Thread(target=gw.server.serve_forever, daemon=True)
    thread.start()
    yield gw
    gw.server.shutdown()
    gw.server.server_close()


def robots(settings: Any, **channels: dict[str, dict[str, str]]) -> None:
    settings.AFTERSALES = {**settings.AFTERSALES, "ROBOTS": channels}


def test_wecom_robot_posts_its_documented_text_payload(gateway, settings):
    robots(settings, wecom={"ops": {"url": f"{gateway.url}/cgi-bin/webhook/send?key=abc"}})

    WeComRobotBackend().send(D("wecom", "ops", "SO1", "超期工单", "k", context={"mention_mobiles": ["13900001111"]}))

    request = gateway.requests[0]
    assert request["path"] == "/cgi-bin/webhook/send?key=abc"
    assert request["json"] == {
        "msgtype": "text",
        "text": {"content": "SO1\n超期工单", "mentioned_mobile_list": ["13900001111"]},
    }


def test_dingtalk_robot_posts_text_and_signs_when_it_has_a_secret(gateway, settings):
    robots(settings, dingtalk={"ops": {"url": f"{gateway.url}/robot/send?access_token=t", "secret": "SECabc"}})

    DingTalkRobotBackend().send(D("dingtalk", "ops", "", "超期工单", "k", context={"mention_mobiles": ["139"]}))

    request = gateway.requests[0]
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(request["path"]).query)
    assert query["access_token"] == ["t"]
    expected = base64.b64encode(
        hmac.new(b"SECabc", f"{query['timestamp'][0]}\nSECabc".encode(), hashlib.sha256).digest()
    ).decode()
    assert query["sign"] == [expected]
    assert request["json"] == {
        "msgtype": "text",
        "text": {"content": "超期工单"},
        "at": {"atMobiles": ["139"], "isAtAll": False},
    }


def test_dingtalk_signature_matches_the_documented_recipe():
    url = dingtalk_signed_url("https://oapi.dingtalk.com/robot/send?access_token=t", "this is secret", timestamp_ms=1)

    digest = hmac.new(b"this is secret", b"1\nthis is secret", hashlib.sha256).digest()
    assert url.endswith("&timestamp=1&sign=" + urllib.parse.quote_plus(base64.b64encode(digest)))


def test_robot_refusal_is_a_retryable_failure_with_the_gateways_reason(gateway, settings):
    robots(settings, dingtalk={"ops": {"url": f"{gateway.url}/robot/send?access_token=t"}})
    gateway.answer = {"errcode": 130101, "errmsg": "send too fast"}

    with pytest.raises(ChannelError) as caught:
        DingTalkRobotBackend().send(D("dingtalk", "ops", "", "x", "k"))

    assert caught.value.reason == "errcode 130101: send too fast"
    assert caught.value.retry is True


@pytest.mark.parametrize(("status", "retry"), [(503, True), (429, True), (400, False), (403, False)])
def test_http_errors_retry_only_when_the_gateway_is_at_fault(gateway, settings, status, retry):
    settings.AFTERSALES = {**settings.AFTERSALES, "SMS_GATEWAY_URL": f"{gateway.url}/sms"}
    gateway.status = status

    with pytest.raises(ChannelError) as caught:
        HttpSmsBackend().send(D("sms", "+8613900001111", "SO1", "hi", "k1"))

    assert caught.value.reason.startswith(f"HTTP {status}")
    assert caught.value.retry is retry


def test_sms_gateway_gets_recipient_text_key_and_token(gateway, settings):
    settings.AFTERSALES = {
        **settings.AFTERSALES,
        "SMS_GATEWAY_URL": f"{gateway.url}/sms",
        "SMS_GATEWAY_TOKEN": "tok",
    }
    gateway.answer = {}

    HttpSmsBackend().send(D("sms", "+8613900001111", "SO1", "hi", "k1"))

    request = gateway.requests[0]
    assert request["json"] == {"to": "+8613900001111", "text": "SO1\nhi", "key": "k1"}
    assert request["headers"]["Authorization"] == "Bearer tok"


def test_unreachable_gateway_is_retryable(settings):
    settings.AFTERSALES = {**settings.AFTERSALES, "SMS_GATEWAY_URL": "http://127.0.0.1:1/sms"}

    with pytest.raises(ChannelError) as caught:
        HttpSmsBackend().send(D("sms", "+8613900001111", "", "hi", "k1"))

    assert caught.value.reason.startswith("gateway unreachable")
    assert caught.value.retry is True


@pytest.mark.parametrize(
    ("backend", "recipient"), [(WeComRobotBackend, "nobody"), (DingTalkRobotBackend, "nobody"), (HttpSmsBackend, "+86")]
)
def test_missing_configuration_is_a_final_failure(backend, recipient, settings):
    settings.AFTERSALES = {**settings.AFTERSALES, "ROBOTS": {}, "SMS_GATEWAY_URL": ""}

    with pytest.raises(ChannelError) as caught:
        backend().send(D("x", recipient, "", "hi", "k"))

    assert caught.value.retry is False


def test_email_goes_through_django_mail_without_a_deprecated_path():
    """Django 6.1 deprecates mail without ``MAILERS``: every send warned (RemovedInDjango2028Warning) until
    the settings defined the default mailer (2026-12-07)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", RemovedInDjango2028Warning)
        EmailBackend().send(D("email", "a@example.com", "SO1", "body", "k"))

    assert [(m.to, m.subject, m.body) for m in mail.outbox] == [(["a@example.com"], "SO1", "body")]


class SmtpServer(socketserver.ThreadingTCPServer):
    """Just enough SMTP for one message at a time: records (envelope sender, recipients, data)."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], str]] = []
        server = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                sender, recipients = "", []
                self.wfile.write(b"220 test ESMTP\r\n")
                while line := self.rfile.readline().decode():
                    verb = line[:4].upper()
                    if verb == "DATA":
                        self.wfile.write(b"354 go on\r\n")
                        body = "".join(iter(lambda: self.rfile.readline().decode(), ".\r\n"))
                        server.messages.append((sender, recipients, body))
                    elif verb == "MAIL":
                        sender = line.split(":", 1)[1].strip().strip("<>")
                    elif verb == "RCPT":
                        recipients.append(line.split(":", 1)[1].strip().strip("<>"))
                    elif verb == "QUIT":
                        self.wfile.write(b"221 bye\r\n")
                        return
                    self.wfile.write(b"250 ok\r\n")

        super().__init__(("127.0.0.1", 0), Handler)


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def test_email_leaves_through_the_default_mailers_smtp_server(smtp_server, settings):
    port = smtp_server.server_address[1]
    settings.MAILERS = {"default": {"OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5}}}
    settings.DEFAULT_FROM_EMAIL = "service@example.com"

    EmailBackend().send(D("email", "a@example.com", "SO1 已派工", "张先生，您好", "k"))

    [(sender, recipients, data)] = smtp_server.messages
    assert (sender, recipients) == ("service@example.com", ["a@example.com"])
    assert "To: a@example.com" in data


def test_email_to_an_smtp_server_that_is_not_there_is_retried(settings):
    with socketserver.TCPServer(("127.0.0.1", 0), socketserver.BaseRequestHandler) as closed:
        port = closed.server_address[1]
    settings.MAILERS = {"default": {"OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5}}}

    with pytest.raises(ChannelError) as caught:
        EmailBackend().send(D("email", "a@example.com", "SO1", "body", "k"))

    assert caught.value.retry is True


def _settings_with(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict[str, Any]:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(Path(base_settings.__file__)))


def test_the_smtp_server_and_the_sender_come_from_the_environment(monkeypatch):
    default = _settings_with(monkeypatch)["MAILERS"]["default"]["OPTIONS"]
    assert (default["host"], default["port"], default["use_tls"], default["use_ssl"]) == ("localhost", 25, False, False)

    found = _settings_with(
        monkeypatch,
        AFTERSALES_SMTP_HOST="smtp.example.com",
        AFTERSALES_SMTP_SECURITY="SSL",
        AFTERSALES_SMTP_USER="service",
        AFTERSALES_SMTP_PASSWORD="secret",
        AFTERSALES_MAIL_FROM="售后 <service@example.com>",
    )
    options = found["MAILERS"]["default"]["OPTIONS"]
    assert (options["host"], options["port"], options["use_ssl"], options["use_tls"]) == (
        "smtp.example.com",
        465,
        True,
        False,
    )
    assert (options["username"], options["password"]) == ("service", "secret")
    assert found["DEFAULT_FROM_EMAIL"] == found["SERVER_EMAIL"] == "售后 <service@example.com>"
    starttls = _settings_with(monkeypatch, AFTERSALES_SMTP_SECURITY="starttls")["MAILERS"]["default"]["OPTIONS"]
    assert (starttls["port"], starttls["use_tls"]) == (587, True)


def test_an_unknown_smtp_security_stops_the_start(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="AFTERSALES_SMTP_SECURITY.*'tls'"):
        _settings_with(monkeypatch, AFTERSALES_SMTP_SECURITY="tls")


# --- the console backend (the default) ---------------------------------------------------------


def test_console_backend_never_logs_a_mobile_or_the_text_in_production(caplog, settings):
    settings.AFTERSALES = {**settings.AFTERSALES, "CONSOLE_MESSAGES_IN_FULL": False}
    delivery = D(channel="sms", recipient="+8613812345678", subject="", body="张先生，您的工单已派工", key="k-1")

    with caplog.at_level("DEBUG", logger="aftersales.notify"):
        ConsoleBackend().send(delivery)

    logged = caplog.text
    assert "k-1" in logged and "length=11" in logged
    assert "13812345678" not in logged
    assert "张先生" not in logged and "派工" not in logged
    assert "+86" + "*" * 9 + "78" in logged


def test_console_backend_writes_the_whole_message_when_asked(caplog, settings):
    """``make run`` asks (AFTERSALES_CONSOLE_MESSAGES_IN_FULL=1, DEBUG off), so the demo's portal codes can
    be read in its terminal (found by a helper's probe, 2026-12-06: the log gave the code's length only)."""
    settings.DEBUG = False
    settings.AFTERSALES = {**settings.AFTERSALES, "CONSOLE_MESSAGES_IN_FULL": True}
    delivery = D(channel="sms", recipient="+8613812345678", subject="", body="您的工单已派工", key="k-1")

    with caplog.at_level("INFO", logger="aftersales.notify"):
        ConsoleBackend().send(delivery)

    assert "+8613812345678" in caplog.text and "您的工单已派工" in caplog.text
