"""DynamoDB limits the design validator enforces, each with its source (DOMAIN.md §1-2, §5)."""

from __future__ import annotations

# DG/ServiceQuotas.html
MAX_ITEM_BYTES = 400 * 1024
# DOMAIN.md §1: a number holds at most 38 significant digits, magnitude 1E-130 .. 9.99..E+125 (ValidationException).
MAX_NUMBER_DIGITS = 38
MAX_NUMBER_EXPONENT = 125
MIN_NUMBER_EXPONENT = -130
MAX_NESTING_LEVELS = 32  # nested attribute depth (lists and maps inside lists and maps)
MAX_PARTITION_KEY_BYTES = 2048
MAX_SORT_KEY_BYTES = 1024
MAX_GSIS_PER_TABLE = 20
MAX_LSIS_PER_TABLE = 5
MAX_BATCH_GET_KEYS = 100
MAX_BATCH_WRITE_REQUESTS = 25
MAX_TRANSACTION_ACTIONS = 100
MAX_TRANSACTION_BYTES = 4 * 1024 * 1024  # a transaction carries at most 4 MB (DOMAIN.md §2)
MAX_ITEM_COLLECTION_BYTES = 10 * 1024**3  # DG/LSI.html: an item collection of a table with an LSI holds at most 10 GB
MAX_BATCH_GET_RESPONSE_BYTES = 16 * 1024 * 1024  # DG/ServiceQuotas.html: a BatchGetItem returns at most 16 MB
# Expressions (DG/ServiceQuotas.html "Expression parameters"): at most 4 KB of text, 300 operators or functions,
# and 100 values in an IN list.
MAX_EXPRESSION_BYTES = 4096
MAX_EXPRESSION_OPERATORS = 300
MAX_IN_OPERANDS = 100
# Streams: records are kept 24 hours (DG/Streams.html); a shard iterator expires after 15 minutes
# (API_streams_GetShardIterator.html); GetRecords returns at most 1,000 records or 1 MB (API_streams_GetRecords.html).
STREAM_RETENTION_SECONDS = 24 * 3600
STREAM_ITERATOR_LIFETIME_SECONDS = 15 * 60
MAX_GET_RECORDS = 1000
MAX_GET_RECORDS_BYTES = 1024 * 1024
# Table and index names: 3-255 characters of a-z, A-Z, 0-9, '_', '-', '.' (DG/HowItWorks.NamingRulesDataTypes.html)
MAX_TABLE_NAME_LENGTH = 255
MIN_TABLE_NAME_LENGTH = 3

# DG/multi-region-strong-consistency-gt.html: MRSC uses exactly 3 regions of one region set.
MRSC_REGION_SETS: dict[str, frozenset[str]] = {
    "US": frozenset({"us-east-1", "us-east-2", "us-west-2"}),
    "EU": frozenset({"eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1"}),
    "AP": frozenset({"ap-northeast-1", "ap-northeast-2", "ap-northeast-3"}),
}
MRSC_REGION_COUNT = 3
