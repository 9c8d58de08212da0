"""Thin Celery tasks: plain values in, one call out."""

from celery import shared_task

from aftersales.core.notify import Message, send_message


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_sms(*, to: str, subject: str, body: str) -> None:
    send_message(Message(to=to, subject=subject, body=body, channel="sms"))
