"""core.compiled.values_rows: the rows ``list(queryset)`` gives, with the SQL of a shape compiled once
(the order list's page and the bearer-token read; benchmarks/README.md)."""

import datetime

import pytest
from django.db.models import Value
from django.db.models.functions import Concat
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from aftersales.accounts.choices import Role
from aftersales.accounts.models import ApiToken
from aftersales.accounts.services import _token, issue_token
from aftersales.accounts.tests.factories import UserFactory
from aftersales.core import compiled
from aftersales.core.compiled import values_rows
from aftersales.core.filtering import apply_filters
from aftersales.customers.tests.factories import CustomerFactory
from aftersales.service import selectors
from aftersales.service.filters import ServiceOrderFilter
from aftersales.service.tests.factories import make_order


@pytest.fixture
def compiles(monkeypatch):
    """How many times a full SELECT is compiled."""
    count = [0]
    real = SQLCompiler.as_sql

    def counted(self, *args, **kwargs):
        count[0] += 1
        return real(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", counted)
    monkeypatch.setattr(compiled, "_statements", {})
    return count


@pytest.fixture
def orders(centre, users):
    agent = users[Role.AGENT]
    now = timezone.now()
    customer = CustomerFactory(service_center=centre, name="上海华通机电有限公司")
    return [
        make_order(by=agent, customer=customer),
        make_order(by=agent, customer=CustomerFactory(service_center=centre), with_unit=False),
        make_order(by=agent, customer=customer, received_at=now - datetime.timedelta(days=20)),
    ]


FILTERS = [
    {},
    {"status": ["new"]},
    {"status": ["new", "accepted"], "service_center": 1},
    {"sla_state": "overdue"},
    {"sla_state": "on_track", "unassigned": True},
    {"q": "华通机电"},
    {"q": "13800138000"},
    {"status": []},
    {"received_from": "2020-01-01", "received_to": "2030-12-31"},
]


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.AGENT, Role.GENERAL_MANAGER, Role.TECHNICIAN])
@pytest.mark.parametrize("data", FILTERS, ids=[str(sorted(f)) for f in FILTERS])
def test_the_rows_are_what_the_queryset_gives(orders, users, role, data, compiles):
    (scoped,) = selectors.order_list_parts(user=users[role])  # no one here helps on orders: one part
    queryset = apply_filters(ServiceOrderFilter, data=data, queryset=scoped)
    page = queryset.order_by("-id")[:26]

    expected = list(page)
    first, again = values_rows(page), values_rows(page)

    assert first == again == expected
    if role != Role.TECHNICIAN and not data:
        assert len(expected) == 3


@pytest.mark.django_db
def test_the_same_shape_with_other_values_is_compiled_once(orders, users, centre, other_centre, compiles):
    def page(data):
        (scoped,) = selectors.order_list_parts(user=users[Role.ADMIN])
        queryset = apply_filters(ServiceOrderFilter, data=data, queryset=scoped)
        return queryset.order_by("-id")[:26]

    rows = [values_rows(page({"status": [status], "service_center": centre.pk})) for status in ("new", "closed")]
    rows.append(values_rows(page({"status": ["new"], "service_center": other_centre.pk})))
    assert compiles[0] == 1  # three queries of one shape
    assert [len(r) for r in rows] == [3, 0, 0]

    values_rows(page({"status": ["new", "accepted"], "service_center": centre.pk}))  # another shape
    assert compiles[0] == 2


@pytest.mark.django_db
def test_a_shape_that_binds_values_outside_its_where_clause_is_compiled_every_time(orders, compiles):
    from aftersales.service.models import ServiceOrder

    page = (
        ServiceOrder.objects.filter(status="new")
        .annotate(label=Concat("number", Value("-x")))
        .values("id", "label")
        .order_by("id")
    )

    assert values_rows(page.all()) == values_rows(page.all()) == list(page.all())
    assert len(list(page.all())) == 3
    # Each values_rows compiled it to look, then read through the queryset (2 each); then list() twice.
    assert compiles[0] == 6


@pytest.mark.django_db
def test_a_queryset_that_is_not_values_is_read_as_it_is(orders):
    from aftersales.service.models import ServiceOrder

    assert values_rows(ServiceOrder.objects.order_by("id")) == list(ServiceOrder.objects.order_by("id"))


@pytest.mark.django_db
@pytest.mark.parametrize("with_centre", [True, False])
def test_the_token_read_builds_what_select_related_builds(centre, with_centre, compiles):
    user = UserFactory(role=Role.AGENT if with_centre else Role.ADMIN, service_center=centre if with_centre else None)
    user.set_password("pw-123456789")
    user.save()
    issued = issue_token(username=user.username, password="pw-123456789", ip="127.0.0.1")
    key_hash = ApiToken.hash_key(issued.key)

    token = _token(key_hash)
    expected = ApiToken.objects.select_related("user__service_center").get(key_hash=key_hash)

    def fields(obj):
        return {field.attname: getattr(obj, field.attname) for field in type(obj)._meta.concrete_fields}

    assert fields(token) == fields(expected)
    assert fields(token.user) == fields(expected.user)
    assert token.user._state.adding is False and token.user._state.db == expected.user._state.db
    if with_centre:
        assert fields(token.user.service_center) == fields(expected.user.service_center)
    else:
        assert token.user.service_center is None
    assert _token(ApiToken.hash_key("not-a-token")) is None


def _fields(obj):
    return {field.attname: getattr(obj, field.attname) for field in type(obj)._meta.concrete_fields}


@pytest.mark.django_db
@pytest.mark.parametrize("with_site", [True, False])
def test_instances_builds_what_select_related_builds(centre, with_site, compiles, django_assert_num_queries):
    from aftersales.customers.models import Site
    from aftersales.installed_base.models import Unit
    from aftersales.installed_base.tests.factories import UnitFactory

    customer = CustomerFactory(service_center=centre)
    site = Site.objects.create(customer=customer, name="二号厂房", address="上海市") if with_site else None
    unit = UnitFactory(customer=customer, site=site)
    UnitFactory(customer=customer)  # another row the filter leaves out
    related = ("customer__service_center", "product_model", "site")

    (built,) = compiled.instances(Unit, related, pk=unit.pk)
    expected = Unit.objects.select_related(*related).get(pk=unit.pk)

    with django_assert_num_queries(0):  # every relation arrived with the row
        assert _fields(built) == _fields(expected)
        assert _fields(built.customer) == _fields(expected.customer)
        assert _fields(built.customer.service_center) == _fields(centre)
        assert _fields(built.product_model) == _fields(expected.product_model)
        assert (built.site and _fields(built.site)) == (expected.site and _fields(expected.site))
    assert (built.site is None) is not with_site
    assert built._state.adding is False and built._state.db == "default"
    compiles[0] = 0
    assert compiled.instances(Unit, related, pk=-1) == []  # the same shape: not compiled again
    assert compiles[0] == 0


def test_instances_refuses_what_select_related_cannot_read():
    from aftersales.customers.models import Customer

    with pytest.raises(ValueError, match="units"):
        compiled.instances(Customer, ("units",))


@pytest.mark.django_db
def test_a_compiled_read_gives_the_queryset_rows_and_compiles_once(orders, compiles):
    from aftersales.service.models import ServiceOrder

    def build(customer_id, status):
        return ServiceOrder.objects.filter(customer_id=customer_id, status=status).order_by("id").values("id", "number")

    read = compiled.CompiledRead(build)
    customer_ids = {o.customer_id for o in orders}
    for customer_id in customer_ids:
        assert read(customer_id, "new") == list(build(customer_id, "new"))
    compiles[0] = 0
    for customer_id in [*customer_ids, -1]:
        assert read(customer_id, "new") == list(build(customer_id, "new"))
        assert read(customer_id, "closed") == []
    assert compiles[0] == len(customer_ids) + 1  # only the querysets this test built for the comparison


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("build", "argument"),
    [
        (lambda ids: _orders().filter(id__in=ids).values("id"), [1]),
        (lambda number: _orders().filter(number__icontains=number).values("id"), "SO"),
        (lambda number: _orders().filter(number=number), "SO"),
    ],
    ids=["an argument of another type", "a lookup that changes its value", "not a values() read"],
)
def test_a_compiled_read_that_cannot_bind_its_arguments_builds_the_queryset_each_time(orders, build, argument):
    read = compiled.CompiledRead(build)
    expected = list(build(argument))
    assert read(argument) == expected and read(argument) == expected
    assert read._compiled == {(type(argument),): None}


@pytest.mark.django_db
def test_a_compiled_read_whose_probe_the_field_refuses_reads_each_call_s_own_value(orders):
    """A number sent as text: the probe (not a number) is refused, the call's "12" is taken, as by the ORM."""
    read = compiled.CompiledRead(lambda order_id: _orders().filter(pk=order_id).values("id"))
    order = orders[0]
    assert read(str(order.pk)) == [{"id": order.pk}]
    assert read._compiled == {(str,): None}


@pytest.mark.django_db
def test_a_compiled_read_binds_no_lookup_that_escapes_its_value(orders):
    """``iexact`` is a ``LIKE`` on SQLite with the value escaped: bound as it came, "_" would match any
    character. Every database answers as the queryset does."""
    read = compiled.CompiledRead(lambda number: _orders().filter(number__iexact=number).values("id"))
    number = orders[0].number
    for value in (number.lower(), number[:-1] + "_", number[:-1] + "%", "%"):
        assert read(value) == list(_orders().filter(number__iexact=value).values("id")), value
    assert read(number[:-1] + "_") == []


@pytest.mark.django_db
def test_instances_by_several_fields_is_one_statement_with_each_value_bound(centre, other_centre, compiles):
    """The unit of an order opened (installed_base.permissions.visible_unit): the centre is a parameter, so
    one statement serves every centre and no centre's rows reach another's."""
    from aftersales.installed_base.models import Unit
    from aftersales.installed_base.tests.factories import UnitFactory

    related = ("customer__service_center", "product_model", "site")
    read = compiled.InstancesBy(Unit, related, "pk", "customer_id", "customer__service_center")
    here = UnitFactory(customer=CustomerFactory(service_center=centre))
    there = UnitFactory(customer=CustomerFactory(service_center=other_centre))
    expected = {unit.pk: Unit.objects.select_related(*related).get(pk=unit.pk) for unit in (here, there)}
    read(here.pk, here.customer_id, centre.pk)
    compiles[0] = 0

    built = {unit.pk: read(unit.pk, unit.customer_id, unit.customer.service_center_id) for unit in (here, there)}
    assert read(here.pk, here.customer_id, other_centre.pk) == []
    assert read(there.pk, there.customer_id, centre.pk) == []
    assert read(here.pk, there.customer_id, centre.pk) == []
    assert compiles[0] == 0
    for pk, (unit,) in built.items():
        assert _fields(unit) == _fields(expected[pk])
        assert _fields(unit.customer.service_center) == _fields(expected[pk].customer.service_center)


def _orders():
    from aftersales.service.models import ServiceOrder

    return ServiceOrder.objects.order_by("id")


@pytest.mark.django_db
def test_a_unit_s_contracts_are_read_through_one_compiled_statement(centre, users, compiles):
    from aftersales.contracts.coverage import read_terms
    from aftersales.contracts.tests.factories import make_contract, make_customer
    from aftersales.installed_base.tests.factories import UnitFactory

    customer = make_customer(centre)
    covered, bare = UnitFactory(customer=customer), UnitFactory(customer=customer)
    contract = make_contract(by=users[Role.MANAGER], centre=centre, customer=customer, units=[covered])
    read_terms([bare.pk])
    compiles[0] = 0

    (term,) = read_terms([covered.pk])[covered.pk]

    assert compiles[0] == 0
    assert (term.id, term.number, term.starts_on, term.ends_on) == (
        contract.pk,
        contract.number,
        contract.starts_on,
        contract.ends_on,
    )
    assert read_terms([bare.pk]) == {bare.pk: ()}
    assert read_terms([covered.pk, bare.pk]) == {covered.pk: (term,), bare.pk: ()}
