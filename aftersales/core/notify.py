"""Notifier interface for email/SMS. The console backend logs; real SMS gateways are adapters.

Call ``send_message`` from ``transaction.on_commit`` (see service/tasks.py), never inside a transaction.
"""

import logging
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("aftersales.notify")


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    body: str
    channel: str = "sms"


class Notifier(Protocol):
    def send(self, message: Message) -> None: ...


class ConsoleNotifier:
    """Writes each message to the log (the default: nothing leaves the machine)."""

    def send(self, message: Message) -> None:
        logger.info("[%s] to=%s subject=%s body=%s", message.channel, message.to, message.subject, message.body)


class MemoryNotifier:
    """Keeps messages in ``outbox``: for tests."""

    outbox: list[Message] = []

    def send(self, message: Message) -> None:
        self.outbox.append(message)


def get_notifier() -> Notifier:
    return import_string(settings.AFTERSALES["NOTIFIER"])()


def send_message(message: Message) -> None:
    get_notifier().send(message)
