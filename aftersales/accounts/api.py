"""Auth, your API tokens, the current user, users' roles and stand-ins, and the company profile."""

import datetime
from typing import Annotated

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from aftersales.accounts import services
from aftersales.accounts.capabilities import extra_roles_of, roles_of
from aftersales.accounts.choices import Role
from aftersales.accounts.models import ApiToken, CompanyProfile, StandIn, User
from aftersales.accounts.permissions import can_edit_company_profile, stand_ins_visible_to
from aftersales.accounts.selectors import Company, company_profile
from aftersales.accounts.throttle import client_ip
from aftersales.core.api import Input, TextBool, idempotent
from aftersales.core.errors import NotFoundError, PermissionDeniedError
from aftersales.core.idempotency import Created
from aftersales.core.schemas import Choice, Day, answers, model_field

router = Router(tags=["auth"])


class TokenIn(Input):
    username: str = model_field(User, "username", description=None)
    password: str = Field(max_length=256)
    name: str = model_field(
        ApiToken,
        "name",
        services.DEFAULT_TOKEN_NAME,
        min_length=1,
        description="The client's name (e.g. `erp-sync`). A new token for the same name replaces the old one.",
    )


class TokenInfoOut(Schema):
    """A token as its owner sees it: never the secret, only its first characters."""

    id: int
    name: str
    prefix: str
    created_at: datetime.datetime
    expires_at: datetime.datetime | None
    last_used_at: datetime.datetime | None


class TokenOut(TokenInfoOut):
    token: str = Field(description="The bearer token. Shown this once; only its hash is kept.")


class MeOut(Schema):
    id: int
    username: str
    name: str
    role: Annotated[str, Choice(Role)]
    service_center_id: int | None

    @staticmethod
    def resolve_name(user: User) -> str:
        return str(user)


@router.post("/auth/token", auth=None, response={200: TokenOut, **answers(None, 400, 429)})
def create_token(request: HttpRequest, payload: TokenIn) -> TokenOut:
    """Exchange a username and password for a bearer token (throttled per user and per address).

    The token is shown once. It expires after `AFTERSALES["API_TOKEN_DAYS"]` days (`expires_at`); a
    new token for the same client `name` replaces that client's old token."""
    issued = services.issue_token(
        username=payload.username, password=payload.password, ip=client_ip(request) or "unknown", name=payload.name
    )
    return TokenOut(**TokenInfoOut.from_orm(issued.token).model_dump(), token=issued.key)


@router.get("/auth/tokens", response=answers(list[TokenInfoOut]))
def list_tokens(request: HttpRequest) -> object:
    """Your own API tokens, newest first."""
    return services.tokens_of(request.user)


@router.delete("/auth/tokens/{token_id}", response=answers(None, 403, 404) | {204: None})
def revoke_token(request: HttpRequest, token_id: int) -> Status[None]:
    """Revoke one of your tokens at once. Another user's token answers 404."""
    services.revoke_token(token_id=token_id, by=request.user)
    return Status(204, None)


@router.get("/me", response=answers(MeOut))
def me(request: HttpRequest) -> User:
    return request.user


class RolesIn(Input):
    roles: list[str] = Field(
        max_length=20,
        description="The user's extra roles (the values of `role`, e.g. `dispatcher`); they replace the ones "
        "the user had, and `[]` takes them all away. The primary `role` stays and need not be listed.",
    )


class UserRolesOut(Schema):
    id: int
    role: Annotated[str, Choice(Role)] = Field(description="The primary role.")
    extra_roles: list[Annotated[str, Choice(Role)]]
    roles: list[Annotated[str, Choice(Role)]] = Field(
        description="Every role the user holds: the primary one and the extra ones."
    )

    @staticmethod
    def resolve_extra_roles(user: User) -> list[str]:
        return sorted(extra_roles_of(user))

    @staticmethod
    def resolve_roles(user: User) -> list[str]:
        return sorted(roles_of(user))


@router.put("/users/{user_id}/roles", tags=["users"], response=answers(UserRolesOut, 400, 403, 404))
def set_user_roles(request: HttpRequest, user_id: int, payload: RolesIn) -> User:
    """Give a user extra roles besides their primary role (administrators only; not yourself).

    An unknown role answers 400 `unknown_role` naming it, and nothing changes."""
    # Any existing person: set_roles itself answers 404 for one outside the caller's scope.
    target = User.objects.filter(pk=user_id, system_kind="").first()
    if target is None:
        raise NotFoundError("not_found", _("No such user."))
    return services.set_roles(user=target, roles=payload.roles, by=request.user)


# --- stand-ins (代班) -------------------------------------------------------------------------------


class StandInIn(Input):
    from_user_id: int | None = Field(None, description="Whose capabilities are handed on; yourself when left out.")
    to_user_id: int = Field(description="Who stands in (of the same service centre, unless an administrator asks).")
    starts_on: Day = Field(description="First day (Asia/Shanghai), included.")
    ends_on: Day = Field(description="Last day (Asia/Shanghai), included; not before `starts_on`.")
    reason: str = model_field(StandIn, "reason", min_length=1)


class StandInOut(Schema):
    id: int
    from_user_id: int
    from_user_name: str
    to_user_id: int
    to_user_name: str
    starts_on: datetime.date
    ends_on: datetime.date
    reason: str
    ended_at: datetime.datetime | None
    created_at: datetime.datetime

    @staticmethod
    def resolve_from_user_name(stand_in: StandIn) -> str:
        return str(stand_in.from_user)

    @staticmethod
    def resolve_to_user_name(stand_in: StandIn) -> str:
        return str(stand_in.to_user)


@router.get("/stand-ins", tags=["users"], response=answers(list[StandInOut]))
def list_stand_ins(request: HttpRequest, current: TextBool = False) -> object:
    """The stand-ins (代班) you may see, latest first: your own, given or taken; a service manager
    also those of their centre, an administrator every one. `current=true`: only those in force
    today or later (not over, not ended)."""
    qs = stand_ins_visible_to(request.user).order_by("-starts_on", "-pk")
    if current:
        qs = qs.filter(ended_at__isnull=True, ends_on__gte=timezone.localdate())
    return qs[:200]


@router.post("/stand-ins", tags=["users"], response=answers(StandInOut, 400, 403, 404, 409, 422, status=201))
def create_stand_in(request: HttpRequest, payload: StandInIn) -> Created:
    """Hand a user's capabilities to another for a date range (the follow-up clerk's stand-in, an
    approver on leave). One stand-in per user at a time (409 `stand_in_overlap`)."""

    def create() -> tuple[int, StandInOut]:
        people = User.objects.filter(system_kind="")
        giver = request.user if payload.from_user_id is None else people.filter(pk=payload.from_user_id).first()
        taker = people.filter(pk=payload.to_user_id).first()
        if giver is None:
            raise NotFoundError("not_found", _("No such user."), field="from_user_id")
        if taker is None:
            raise NotFoundError("not_found", _("No such user."), field="to_user_id")
        stand_in = services.create_stand_in(
            from_user=giver,
            to_user=taker,
            starts_on=payload.starts_on,
            ends_on=payload.ends_on,
            reason=payload.reason,
            by=request.user,
        )
        return 201, StandInOut.from_orm(stand_in)

    return idempotent(request, create)


@router.post("/stand-ins/{stand_in_id}/end", tags=["users"], response=answers(StandInOut, 403, 404, 409))
def end_stand_in(request: HttpRequest, stand_in_id: int) -> StandIn:
    """End a stand-in at once (it is kept, with `ended_at` and `ends_on` set to yesterday)."""
    return services.end_stand_in(stand_in_id=stand_in_id, by=request.user)


# --- the company profile ---------------------------------------------------------------------------


class CompanyProfileIn(Input):
    name: str = model_field(CompanyProfile, "name", min_length=1)
    hotline: str = model_field(
        CompanyProfile,
        "hotline",
        "",
        description="客服热线: a 95xxx/96xxx service number (5 or 6 digits), a 400/800 number, a landline or a mobile.",
    )
    address: str = model_field(CompanyProfile, "address", "")
    postcode: str = model_field(CompanyProfile, "postcode", "", description="6 digits.")
    email: str = model_field(CompanyProfile, "email", "")
    credit_code: str = model_field(
        CompanyProfile,
        "credit_code",
        "",
        description="统一社会信用代码: 18 characters with the GB 32100 check character (the seller's on quotes and invoices).",
    )
    bank_name: str = model_field(CompanyProfile, "bank_name", "", description="Required with `bank_account`.")
    bank_account: str = model_field(
        CompanyProfile, "bank_account", "", description="8 to 32 digits (spaces and dashes are dropped)."
    )


class CompanyProfileOut(Schema):
    name: str
    hotline: str
    address: str
    postcode: str
    email: str
    credit_code: str
    bank_name: str
    bank_account: str
    saved: bool = Field(
        description="`false` until the profile is first saved: `name` is then `AFTERSALES_COMPANY_NAME`'s default."
    )


def _require_profile_editor(user: User) -> None:
    if not can_edit_company_profile(user):
        raise PermissionDeniedError("forbidden", _("Only administrators may change the company profile."))


@router.get("/company-profile", tags=["accounts"], response=answers(CompanyProfileOut, 403))
def get_company_profile(request: HttpRequest) -> Company:
    """The company profile every header, print and SMS shows (administrators only). Until it is saved,
    `saved` is `false` and `name` is the environment's default (`AFTERSALES_COMPANY_NAME`)."""
    _require_profile_editor(request.user)
    return company_profile()


@router.put("/company-profile", tags=["accounts"], response=answers(CompanyProfileOut, 400, 403))
def put_company_profile(request: HttpRequest, payload: CompanyProfileIn) -> Company:
    """Save the company profile (administrators only); the first save creates it. A refused field
    answers 400 with its `field` (`invalid_phone`, `invalid_credit_code`, `invalid_postcode`,
    `invalid_email`, `invalid_bank_account`, `required`) and nothing is saved."""
    services.update_company_profile(by=request.user, **payload.dict())
    return company_profile()
