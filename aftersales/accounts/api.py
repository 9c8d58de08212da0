"""Auth and the current user."""

from django.http import HttpRequest
from ninja import Field, Router, Schema

from aftersales.accounts.services import issue_token
from aftersales.accounts.throttle import client_ip
from aftersales.core.api import ErrorOut, Input

router = Router(tags=["auth"])


class TokenIn(Input):
    username: str = Field(max_length=150)
    password: str = Field(max_length=256)


class TokenOut(Schema):
    token: str


class MeOut(Schema):
    id: int
    username: str
    name: str
    role: str
    service_center_id: int | None


@router.post("/auth/token", auth=None, response={200: TokenOut, 401: ErrorOut, 429: ErrorOut})
def create_token(request: HttpRequest, payload: TokenIn) -> dict[str, str]:
    """Exchange a username and password for a bearer token (throttled per user and per address)."""
    return {
        "token": issue_token(username=payload.username, password=payload.password, ip=client_ip(request) or "unknown")
    }


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> dict[str, object]:
    user = request.user
    return {
        "id": user.pk,
        "username": user.username,
        "name": str(user),
        "role": user.role,
        "service_center_id": user.service_center_id,
    }
