"""The customer-name search finds exactly what ``name__icontains`` finds, for fragments of every
length, Chinese and Latin, however the customers were written; on PostgreSQL a two-character
fragment is answered by the bigram index (migration 0003) instead of a scan."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aftersales.customers.models import Customer
from aftersales.customers.tests.factories import CustomerFactory

NAMES = [
    "上海华通机电有限公司",
    "北京通华设备有限公司",  # 通华, not 华通
    "华",
    "华通",
    "深圳华 通科技",  # a space between
    "Huatong Machinery Co., Ltd.",
    "HUATONG",
    "huaTong service",
    "ABB 中国",
    "100% 满意_服务",
    "王伟",
    "Ölwerk Straße",
]
FRAGMENTS = [
    # one character
    "华", "通", "h", "H", "%", "_", "ö",
    # two characters
    "华通", "通华", "上海", "伟", "Hu", "hU", "AB", "b ", "% ", "0%", "_服", "Ra", "öl", "ÖL", "ss",
    # three and more
    "华通机", "华通机电", "有限公司", "huatong", "HUATONG", "Co.", "tong s", "100%", "满意_服",
    # none
    "不存在", "xy", "q",
]  # fmt: skip


@pytest.fixture
def customers(centre):
    return [CustomerFactory(name=name, service_center=centre) for name in NAMES]


def _names(queryset) -> set[str]:
    return set(queryset.values_list("name", flat=True))


@pytest.mark.django_db
@pytest.mark.parametrize("fragment", FRAGMENTS)
def test_name_contains_finds_exactly_what_icontains_finds(customers, fragment):
    expected = _names(Customer.objects.filter(name__icontains=fragment))

    assert _names(Customer.objects.name_contains(fragment)) == expected


@pytest.mark.django_db
def test_some_fragments_match_several_names_so_the_comparison_means_something(customers):
    assert _names(Customer.objects.name_contains("华通")) == {"上海华通机电有限公司", "华通"}
    assert _names(Customer.objects.name_contains("hU")) == {
        "Huatong Machinery Co., Ltd.",
        "HUATONG",
        "huaTong service",
    }


@pytest.mark.django_db
def test_a_renamed_and_a_bulk_created_customer_are_found_by_their_new_names(customers, centre):
    renamed = Customer.objects.get(name="王伟")
    renamed.name = "王华通"
    renamed.save()
    Customer.objects.bulk_create([Customer(name="杭州华通制冷", service_center=centre)])
    Customer.objects.filter(name="华").update(name="通华")

    assert _names(Customer.objects.name_contains("华通")) == {"上海华通机电有限公司", "华通", "王华通", "杭州华通制冷"}
    assert _names(Customer.objects.name_contains("王伟")) == set()
    assert _names(Customer.objects.name_contains("通华")) == {"北京通华设备有限公司", "通华"}


@pytest.mark.django_db
def test_a_two_character_fragment_uses_the_bigram_index_on_postgresql(customers):
    with CaptureQueriesContext(connection) as ctx:
        list(Customer.objects.name_contains("华通"))

    (sql,) = [q["sql"] for q in ctx.captured_queries]
    if connection.vendor == "postgresql":
        assert "aftersales_bigrams(" in sql
        assert "LIKE" not in sql
    else:
        assert "LIKE" in sql


@pytest.mark.django_db
def test_order_and_customer_searches_use_name_contains(customers, users, api_client):
    from aftersales.accounts.choices import Role

    client = api_client(users[Role.AGENT])
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/api/v1/customers", {"q": "华通"})

    assert response.status_code == 200
    assert {item["name"] for item in response.json()["items"]} == {"上海华通机电有限公司", "华通"}
    if connection.vendor == "postgresql":
        assert any("aftersales_bigrams(" in q["sql"] for q in ctx.captured_queries)
