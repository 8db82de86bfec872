"""The design schema: a frozen pydantic v2 model of tables, entities, access patterns and screens."""

from __future__ import annotations

from engine.model.access_pattern import *  # noqa: F403
from engine.model.access_pattern import __all__ as _ap_all
from engine.model.data_model import DataModel, Lesson, Screen
from engine.model.entity import *  # noqa: F403
from engine.model.entity import __all__ as _entity_all
from engine.model.parse import parse_model
from engine.model.stream import *  # noqa: F403
from engine.model.stream import __all__ as _stream_all
from engine.model.table import *  # noqa: F403
from engine.model.table import __all__ as _table_all

__all__ = ["DataModel", "Lesson", "Screen", "parse_model", *_ap_all, *_entity_all, *_stream_all, *_table_all]
