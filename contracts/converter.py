"""The data converter every client and worker uses: pydantic JSON, with ONE type-adapter cache per process.

The SDK builds a payload converter for every workflow instance; the stock pydantic converter then rebuilds its
type adapters for each application (tens of milliseconds and ~170 KiB each). The adapters depend only on the
types, so one shared cache serves every instance.
"""

import functools
from typing import Any

from pydantic import TypeAdapter
from temporalio.contrib.pydantic import PydanticJSONPlainPayloadConverter, PydanticPayloadConverter
from temporalio.converter import DataConverter

_type_adapter: "functools._lru_cache_wrapper[TypeAdapter[Any]]" = functools.lru_cache(maxsize=1024)(TypeAdapter)


class SharedPayloadConverter(PydanticPayloadConverter):
    def __init__(self) -> None:
        super().__init__()
        for converter in self.converters.values():
            if isinstance(converter, PydanticJSONPlainPayloadConverter):
                converter._type_adapter = _type_adapter


DATA_CONVERTER = DataConverter(payload_converter_class=SharedPayloadConverter)
