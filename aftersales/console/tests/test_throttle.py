"""aftersales.accounts.throttle: limits per (account, address), per address and per account, each with
an exponential back-off; a known address keeps its user out of an attacker's reach (issue 8 #5, #6)."""

import pytest
from django.test import RequestFactory

from aftersales.accounts.throttle import Attempt, backoff_seconds, client_ip, reserve_attempt
from aftersales.core.errors import DomainError, TooManyRequests


def fail(times: int, *, username: str = "alice", ip: str | None = "10.0.0.1") -> None:
    for _ in range(times):
        reserve_attempt(username=username, ip=ip)  # never succeeded(): a wrong password


def succeed(*, username: str = "alice", ip: str | None = "10.0.0.1") -> None:
    reserve_attempt(username=username, ip=ip).succeeded()


def refused(*, username: str = "alice", ip: str | None = "10.0.0.1") -> TooManyRequests:
    with pytest.raises(TooManyRequests) as excinfo:
        reserve_attempt(username=username, ip=ip)
    return excinfo.value


def test_below_the_limit_attempts_go_on(throttle_limits):
    fail(2)

    assert isinstance(reserve_attempt(username="alice", ip="10.0.0.1"), Attempt)


def test_past_the_limit_the_pair_waits_the_first_delay(throttle_limits):
    fail(3)

    error = refused()

    assert error.code == "too_many_attempts"
    assert error.status == 429
    assert error.extra["retry_after"] == 60
    assert isinstance(error, DomainError)


def test_the_delay_doubles_with_each_failure_and_stops_at_the_longest(throttle_limits, clock):
    fail(3)
    delays = []
    for _ in range(6):
        delays.append(refused().extra["retry_after"])
        clock(delays[-1])
        fail(1)  # the one attempt allowed after the delay, wrong again

    assert delays == [60, 120, 240, 480, 600, 600]


def test_retries_during_a_delay_do_not_make_it_longer(throttle_limits, clock):
    fail(3)
    for _ in range(10):
        refused()

    clock(60)
    fail(1)

    assert refused().extra["retry_after"] == 120  # the 4th failure, not the 14th


def test_attempts_on_the_account_from_another_address_are_not_delayed(throttle_limits):
    fail(3, username="alice", ip="10.0.0.1")

    succeed(username="alice", ip="10.0.0.2")


def test_username_is_case_insensitive(throttle_limits):
    fail(3, username="Alice")

    refused(username=" alice ")


def test_a_success_starts_the_pair_again(throttle_limits):
    fail(2)
    succeed()

    fail(2)
    succeed()


def test_made_up_names_from_one_address_wait_but_a_known_user_there_signs_in(throttle_limits):
    succeed(username="bob", ip="10.0.0.7")  # bob signed in from the office before
    for i in range(6):
        fail(1, username=f"nobody{i}", ip="10.0.0.7")

    assert refused(username="carol", ip="10.0.0.7").extra["retry_after"] == 60
    succeed(username="bob", ip="10.0.0.7")


def test_an_account_guessed_from_many_addresses_waits_except_at_its_known_address(throttle_limits):
    succeed(username="alice", ip="10.0.0.1")
    for i in range(6):
        fail(1, username="alice", ip=f"198.51.100.{i}")

    refused(username="alice", ip="198.51.100.99")
    succeed(username="alice", ip="10.0.0.1")


def test_an_ipv6_network_counts_as_one_address(throttle_limits):
    fail(1, ip="2001:db8::1")
    fail(1, ip="2001:db8::2")
    fail(1, ip="2001:db8::ffff:3")

    refused(ip="2001:db8::4")
    succeed(ip="2001:db8:0:1::1")


def test_backoff_seconds():
    assert [backoff_seconds(n, limit=5) for n in (5, 6, 7, 8, 9, 30)] == [60, 120, 240, 480, 900, 900]


def test_client_ip_ignores_forwarded_for_without_trusted_proxy(rf: RequestFactory):
    request = rf.get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="203.0.113.9")

    assert client_ip(request) == "192.0.2.1"


def test_client_ip_uses_forwarded_for_behind_trusted_proxy(rf: RequestFactory, settings):
    settings.AFTERSALES = {**settings.AFTERSALES, "TRUSTED_PROXY_COUNT": 1}
    request = rf.get("/", REMOTE_ADDR="10.0.0.254", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")

    assert client_ip(request) == "203.0.113.9"
