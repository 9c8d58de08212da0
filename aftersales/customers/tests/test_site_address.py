"""A site's one-line address names each place once."""

import pytest

from aftersales.customers.models import Site


@pytest.mark.parametrize(
    ("province", "city", "address", "expected"),
    [
        ("浙江省", "杭州市", "西湖区文三路100号", "浙江省杭州市西湖区文三路100号"),
        ("上海市", "上海市", "闵行区莘庄工业区春东路508号", "上海市闵行区莘庄工业区春东路508号"),  # a municipality
        ("浙江省", "杭州市", "杭州市西湖区文三路100号", "浙江省杭州市西湖区文三路100号"),  # city typed again
        ("浙江省", "杭州市", "浙江省杭州市西湖区文三路100号", "浙江省杭州市西湖区文三路100号"),
        ("", "苏州市", "工业园区星湖街1号", "苏州市工业园区星湖街1号"),
        ("", "", "工业园区星湖街1号", "工业园区星湖街1号"),
    ],
)
def test_full_address_names_each_place_once(province, city, address, expected):
    site = Site(name="总部工厂", province=province, city=city, address=address)

    assert site.full_address == expected
