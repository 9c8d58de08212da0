"""Channel adapters: how a message leaves the machine. Settings choose one backend per channel.

``AFTERSALES["NOTIFICATION_BACKENDS"]`` maps each channel (``choices.MessageChannel``) to a backend
class; the default is the console backend for every channel that leaves the machine (nothing is sent
anywhere until an operator configures a gateway). A backend's ``send`` returns when the gateway has
accepted the message and raises ``ChannelError`` otherwise, saying whether another attempt may be made:
a refusal or an unreachable gateway may be retried; a timeout after the request went out may have
been delivered, so it is not retried (a message is delivered at most once).
"""

import base64
import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from aftersales.notifications.models import Notification

logger = logging.getLogger("aftersales.notify")


@dataclass(frozen=True)
class Delivery:
    """What a backend gets: the message as rendered for sending."""

    channel: str
    recipient: str
    subject: str
    body: str
    key: str
    context: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """Subject and body as one text, for channels without a subject (SMS, robots)."""
        return f"{self.subject}\n{self.body}".strip() if self.subject else self.body


class ChannelError(Exception):
    """The channel did not take the message. ``retry``: may another attempt be made?"""

    def __init__(self, reason: str, *, retry: bool = True) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry = retry


class Backend(Protocol):
    def send(self, delivery: Delivery) -> None: ...


def mask(recipient: str) -> str:
    """A recipient as the log may show it: the first three and last two characters (``+86138*******78``,
    ``zha***om``); short ones entirely hidden."""
    if len(recipient) <= 6:
        return "*" * len(recipient)
    return f"{recipient[:3]}{'*' * (len(recipient) - 5)}{recipient[-2:]}"


class ConsoleBackend:
    """Writes each message to the log (the default: nothing leaves the machine).

    Customers' mobiles and the messages about them are personal data (ASVS 5.0 V16.2.5): in production
    the log gets the channel, the message key, a masked recipient and the text's length, never the
    text. With ``AFTERSALES["CONSOLE_MESSAGES_IN_FULL"]`` (``DEBUG`` on a developer's machine; ``make run``
    sets it, so the demo's portal codes can be read in its terminal) the whole message is written."""

    def send(self, delivery: Delivery) -> None:
        if settings.AFTERSALES.get("CONSOLE_MESSAGES_IN_FULL", settings.DEBUG):
            logger.info(
                "[%s] to=%s key=%s subject=%s body=%s",
                delivery.channel,
                delivery.recipient,
                delivery.key,
                delivery.subject,
                delivery.body,
            )
            return
        logger.info(
            "[%s] to=%s key=%s length=%d", delivery.channel, mask(delivery.recipient), delivery.key, len(delivery.text)
        )


class MemoryBackend:
    """Keeps what it was given in ``sent`` (for tests). Set ``fail_with`` to make it refuse."""

    sent: ClassVar[list[Delivery]] = []
    fail_with: ClassVar[ChannelError | None] = None

    def send(self, delivery: Delivery) -> None:
        if MemoryBackend.fail_with is not None:
            raise MemoryBackend.fail_with
        self.sent.append(delivery)

    @classmethod
    def reset(cls) -> None:
        cls.sent.clear()
        cls.fail_with = None


class InAppBackend:
    """Writes the notice the user reads in the console and the API. The recipient is the user's id;
    ``context`` may carry ``url`` (where the notice leads) and ``target``/``target_id`` (the record it is
    about, as ``"app_label.model"`` and its id). Written once per message key."""

    def send(self, delivery: Delivery) -> None:
        try:
            user_id = int(delivery.recipient)
        except ValueError as exc:
            raise ChannelError(f"{delivery.recipient!r} is not a user id", retry=False) from exc
        if not get_user_model().objects.filter(pk=user_id, is_active=True).exists():
            raise ChannelError(f"no active user with the id {user_id}", retry=False)
        target_type = None
        if label := delivery.context.get("target"):
            app_label, _dot, model = str(label).partition(".")
            target_type = ContentType.objects.get_by_natural_key(app_label, model)
        Notification.objects.get_or_create(
            source_key=delivery.key,
            defaults={
                "user_id": user_id,
                "message": delivery.text[:300],
                "url": str(delivery.context.get("url", ""))[:300],
                "target_type": target_type,
                "target_id": delivery.context.get("target_id") if target_type else None,
            },
        )


class EmailBackend:
    """Django's default mailer (``MAILERS``, ``DEFAULT_FROM_EMAIL``); the recipient is an address."""

    def send(self, delivery: Delivery) -> None:
        try:
            send_mail(delivery.subject, delivery.body, None, [delivery.recipient], fail_silently=False)
        except TimeoutError as exc:
            raise ChannelError(f"mail server timed out: {exc}; delivery uncertain", retry=False) from exc
        except OSError as exc:  # smtplib.SMTPException is an OSError
            raise ChannelError(f"mail server refused: {exc}") from exc


def _timeout() -> float:
    return float(settings.AFTERSALES.get("NOTIFICATION_HTTP_TIMEOUT", 5))


def post_json(url: str, payload: dict[str, Any], *, headers: dict[str, str] | None = None) -> dict[str, Any]:
    """POST ``payload`` as JSON and return the JSON answer; classify failures for the relay."""
    if urllib.parse.urlsplit(url).scheme not in ("https", "http"):
        raise ChannelError("the gateway URL must be http(s)", retry=False)
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url,
        data=json.dumps(payload, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=_timeout()) as response:  # noqa: S310 (scheme checked above)
            raw = response.read()
    except urllib.error.HTTPError as exc:
        # 5xx and 429: the gateway is in trouble, try later; other 4xx: our request is wrong.
        retry = exc.code >= 500 or exc.code == 429
        raise ChannelError(f"HTTP {exc.code} {exc.reason}", retry=retry) from exc
    except TimeoutError as exc:
        raise ChannelError("the gateway did not answer in time; delivery uncertain, not retried", retry=False) from exc
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise ChannelError("the gateway did not answer in time; delivery uncertain", retry=False) from exc
        raise ChannelError(f"gateway unreachable: {exc.reason}") from exc
    except OSError as exc:
        raise ChannelError(f"gateway unreachable: {exc}") from exc
    if not raw:
        return {}
    try:
        answer = json.loads(raw)
    except ValueError as exc:
        raise ChannelError(f"the gateway answered something that is not JSON: {raw[:100]!r}") from exc
    return answer if isinstance(answer, dict) else {}


def _robot(channel: str, name: str) -> dict[str, str]:
    robots = settings.AFTERSALES.get("ROBOTS", {}).get(channel, {})
    if name not in robots:
        raise ChannelError(f"no {channel} robot named {name!r} is configured", retry=False)
    return robots[name]


def _check_errcode(answer: dict[str, Any]) -> None:
    """Both robots answer ``{"errcode": 0, "errmsg": "ok"}``; anything else is a refusal."""
    if answer.get("errcode", 0) != 0:
        raise ChannelError(f"errcode {answer.get('errcode')}: {answer.get('errmsg', '')}"[:500])


class WeComRobotBackend:
    """A WeCom (企业微信) group robot: POST ``{"msgtype": "text", "text": {"content", "mentioned_mobile_list"}}``
    to its webhook (``https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…``). The recipient is the
    robot's name in ``AFTERSALES["ROBOTS"]["wecom"]``; ``context["mention_mobiles"]`` @-mentions people."""

    def send(self, delivery: Delivery) -> None:
        robot = _robot("wecom", delivery.recipient)
        text: dict[str, Any] = {"content": delivery.text[:2000]}
        if mobiles := delivery.context.get("mention_mobiles"):
            text["mentioned_mobile_list"] = list(mobiles)
        _check_errcode(post_json(robot["url"], {"msgtype": "text", "text": text}))


def dingtalk_signed_url(url: str, secret: str, *, timestamp_ms: int | None = None) -> str:
    """A DingTalk robot with "加签": append ``timestamp`` (ms) and ``sign`` =
    urlencode(base64(HMAC-SHA256(secret, f"{timestamp}\\n{secret}")))."""
    timestamp = str(timestamp_ms if timestamp_ms is not None else round(time.time() * 1000))
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    return f"{url}&timestamp={timestamp}&sign={sign}"


class DingTalkRobotBackend:
    """A DingTalk (钉钉) custom robot: POST ``{"msgtype": "text", "text": {"content"}, "at": {"atMobiles"}}`` to
    ``https://oapi.dingtalk.com/robot/send?access_token=…``, signed when the robot has a secret."""

    def send(self, delivery: Delivery) -> None:
        robot = _robot("dingtalk", delivery.recipient)
        url = dingtalk_signed_url(robot["url"], robot["secret"]) if robot.get("secret") else robot["url"]
        payload: dict[str, Any] = {"msgtype": "text", "text": {"content": delivery.text[:2000]}}
        if mobiles := delivery.context.get("mention_mobiles"):
            payload["at"] = {"atMobiles": list(mobiles), "isAtAll": False}
        _check_errcode(post_json(url, payload))


class HttpSmsBackend:
    """A generic SMS gateway: POST ``{"to", "text", "key"}`` to ``AFTERSALES["SMS_GATEWAY_URL"]`` with
    ``Authorization: Bearer <SMS_GATEWAY_TOKEN>``; a 2xx answer is acceptance. The message key lets a
    gateway that de-duplicates refuse a repeat. Write an adapter like this one for a provider's own API."""

    def send(self, delivery: Delivery) -> None:
        url = settings.AFTERSALES.get("SMS_GATEWAY_URL", "")
        if not url:
            raise ChannelError("AFTERSALES_SMS_GATEWAY_URL is not set", retry=False)
        token = settings.AFTERSALES.get("SMS_GATEWAY_TOKEN", "")
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        post_json(url, {"to": delivery.recipient, "text": delivery.text, "key": delivery.key}, headers=headers)


def backend_for(channel: str) -> Backend:
    path = settings.AFTERSALES["NOTIFICATION_BACKENDS"].get(channel)
    if not path:
        raise ChannelError(f"no backend is configured for the channel {channel!r}", retry=False)
    return import_string(path)()
