"""The process's one payload converter: every instance the SDK builds shares the same converters and adapter
cache, and round-trips the contracts as the stock pydantic converter does."""

from datetime import UTC, datetime

from temporalio.contrib.pydantic import PydanticPayloadConverter

from contracts.application import Objection
from contracts.converter import SharedPayloadConverter


def test_instances_share_their_converters_and_convert_as_the_stock_one():
    a, b = SharedPayloadConverter(), SharedPayloadConverter()
    assert list(a.converters) == list(PydanticPayloadConverter().converters)  # the same encodings, in order
    assert all(x is y for x, y in zip(a.converters.values(), b.converters.values(), strict=True))
    value = Objection("A-O1", "张三", "13800000000", "场地面积不实", lodged_at=datetime(2026, 5, 11, 9, 30, tzinfo=UTC))
    payloads = a.to_payloads([value])
    assert payloads == PydanticPayloadConverter().to_payloads([value])
    assert b.from_payloads(payloads, [Objection]) == [value]
