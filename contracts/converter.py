"""The data converter every client and worker uses: pydantic JSON, with ONE type-adapter cache per process.

The SDK builds a payload converter for every workflow instance; the stock pydantic converter then rebuilds its
type adapters for each application (tens of milliseconds and ~170 KiB each). The adapters depend only on the
types, so one shared cache serves every instance; the converters themselves are built once too.
"""

import functools
from typing import Any

from pydantic import TypeAdapter
from temporalio.contrib.pydantic import PydanticJSONPlainPayloadConverter, PydanticPayloadConverter
from temporalio.converter import CompositePayloadConverter, DataConverter, EncodingPayloadConverter

_type_adapter: "functools._lru_cache_wrapper[TypeAdapter[Any]]" = functools.lru_cache(maxsize=1024)(TypeAdapter)


@functools.cache
def _shared_converters() -> tuple[EncodingPayloadConverter, ...]:
    converters = tuple(PydanticPayloadConverter().converters.values())
    for converter in converters:
        if isinstance(converter, PydanticJSONPlainPayloadConverter):
            converter._type_adapter = _type_adapter
    return converters


class SharedPayloadConverter(PydanticPayloadConverter):
    """The SDK builds one for every payload it converts in a workflow (a fresh DataConverter each time): the
    converters it holds are stateless but for the adapters' cache, so one set serves them all."""

    def __init__(self) -> None:
        CompositePayloadConverter.__init__(self, *_shared_converters())


DATA_CONVERTER = DataConverter(payload_converter_class=SharedPayloadConverter)
