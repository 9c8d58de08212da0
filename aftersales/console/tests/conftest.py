import pytest

from aftersales.accounts.choices import Role
from aftersales.accounts.models import User

PASSWORD = "correct horse battery staple"


@pytest.fixture
def throttle_limits(settings):
    settings.AFTERSALES = {**settings.AFTERSALES, "LOGIN_MAX_ATTEMPTS": 3, "LOGIN_LOCK_SECONDS": 600}
    return settings.AFTERSALES


@pytest.fixture
def make_user(db):
    def make(username: str = "agent1", role: str = Role.AGENT, **extra) -> User:
        return User.objects.create_user(username=username, password=PASSWORD, role=role, **extra)

    return make
