"""The catalog of finding rules: every finding the engine emits comes from one entry here.

Ids: DDB-<letter><number>, the letter naming the principle the rule defends:
P partitions (spread load over keys), C cost ("do the math" before building), S single-table
modelling (shape items and collections for the requests), R consistency and replication,
L DynamoDB limits. Numbers are never reused; a retired rule keeps its id out of circulation.
Principles are written in the workbench's own words; figures cite ../shared/DOMAIN.md sections.
"""

from __future__ import annotations

from engine.findings.base import Rule

_RULES = (
    # ---------------------------------------------------------------------------- partitions
    Rule(
        "DDB-P101", "Hot partition key on a table", "error",
        "One partition key value lives on one partition, and a partition serves at most 3,000 read and 1,000 "
        "write units per second whatever the table's capacity; adaptive capacity moves throughput to a hot "
        "partition but cannot lift one key above that limit (DOMAIN.md §4). Spread load over many key values.",
        "{target}: key '{key}' peaks at {peak_read:,.0f} RCU/s + {peak_write:,.0f} WCU/s, {utilization:.0%} of one "
        "partition's limit (3,000 RCU / 1,000 WCU); {throttle_reason} throttling is expected{split_note}",
        "{fixes}",
        "tables:\n  - name: Orders\n    partition_key: {name: Status, type: S}   # 5 values, PENDING takes 40%\n",
        "tables:\n  - name: Orders\n    partition_key: {name: StatusShard, type: S}   # PENDING#0 .. PENDING#19\n",
        "DOMAIN.md §4; DG/burst-adaptive-capacity.html"),
    Rule(
        "DDB-P102", "Hot partition key on a GSI", "error",
        "A GSI is partitioned by its own key, with the same per-partition limits as a table. A GSI keyed on a "
        "popular value throttles its own writes and, through back-pressure, the base-table writes that feed it "
        "(DOMAIN.md §4, DG/gsi-throttling.html).",
        "{target}: key '{key}' peaks at {peak_read:,.0f} RCU/s + {peak_write:,.0f} WCU/s, {utilization:.0%} of one "
        "partition's limit (3,000 RCU / 1,000 WCU); {throttle_reason} throttling is expected{split_note}"
        "{backpressure}",
        "{fixes}",
        "gsis:\n  - name: ByStatus\n    partition_key: {name: Status, type: S}\n",
        "gsis:\n  - name: ByStatus\n    partition_key: {name: StatusShard, type: S}   # Status#<0-9>, 10 Queries\n",
        "DOMAIN.md §4; DG/gsi-throttling.html"),
    Rule(
        "DDB-P103", "Low-cardinality partition key", "warning",
        "A partition key with a handful of values (a boolean, a status, an enum) caps the whole target at that "
        "many partitions' worth of throughput, however large it is provisioned; high-cardinality keys are the "
        "first rule of partitioning (seed: partitions article; DOMAIN.md §4 and §6.6).",
        "{target}: partition key template '{template}' takes only {count:,} value(s); the busiest one carries "
        "{share:share} of the load, and the target can never serve more than {max_write:,} WCU/s or "
        "{max_read:,} RCU/s in total ({count:,} partitions' worth)",
        "add a high-cardinality part to the key (an id, or a shard suffix read back with parallel Queries) so "
        "requests spread: every further distinct value raises that ceiling by 1,000 WCU/s and 3,000 RCU/s",
        "keys:\n  - {attribute: Status, template: \"{status}\"}   # 5 values\n",
        "keys:\n  - {attribute: Status, template: \"{status}#{shard}\"}   # 5 x 20 values\n",
        "DOMAIN.md §4, §6.6"),
    Rule(
        "DDB-P104", "Hot partition (several warm keys share it)", "warning",
        "Keys are placed by a hash, so several busy keys can share one partition; the partition's limit binds "
        "before any single key's does (DOMAIN.md §4).",
        "{target}: partition {partition} peaks at {utilization:.0%} of its limit ({key_count} keys share it) "
        "although no single key is over",
        "split for heat divides it after minutes of sustained load; spread the hottest keys further "
        "(higher-cardinality key) or lower the peak",
        "key_distribution: {kind: zipf, exponent: 1.2}   # a few keys take most requests\n",
        "key_distribution: {kind: uniform}   # or more distinct keys for the same load\n",
        "DOMAIN.md §4"),
    Rule(
        "DDB-P105", "Peak load above provisioned capacity", "warning",
        "Provisioned capacity is a ceiling: burst capacity banks at most 300 s of unused units, then requests "
        "are throttled (DOMAIN.md §4).",
        "{target}: peak {channel} load {peak:,.0f} units/s exceeds the provisioned {capacity:,.0f}; after burst "
        "capacity (300 s of unused units) runs out, expect {throttle_reason}",
        "provision at least {needed:,} {channel} units, enable auto scaling, or switch to on-demand",
        "billing: {mode: provisioned, read_capacity_units: 100, write_capacity_units: 50}\n",
        "billing: {mode: provisioned, read_capacity_units: 100, write_capacity_units: 50,\n"
        "          auto_scaling: {max_write_capacity_units: 2000}}\n",
        "DOMAIN.md §4"),
    Rule(
        "DDB-P106", "Peak load above the on-demand maximum", "warning",
        "An on-demand table's configured maximum throughput is a hard cap (DOMAIN.md §4).",
        "{target}: peak {channel} load {peak:,.0f} units/s exceeds the configured maximum on-demand throughput "
        "{maximum:,.0f}; expect {throttle_reason}",
        "raise the maximum to at least {needed:,} or remove it",
        "billing: {mode: on_demand, max_write_request_units: 500}\n",
        "billing: {mode: on_demand}\n",
        "DOMAIN.md §4"),
    Rule(
        "DDB-P107", "Peak above what on-demand absorbs at once", "warning",
        "A new on-demand table absorbs 4,000 writes and 12,000 reads per second, and later twice its previous "
        "peak; more than that may throttle for up to 30 minutes while it scales (DOMAIN.md §4).",
        "{target}: peak {channel} load {peak:,.0f} units/s exceeds the {capacity:,.0f} units/s the on-demand table "
        "absorbs at once (its warm throughput, or 2 x its previous peak); expect {throttle_reason} while it "
        "scales (up to 30 minutes)",
        "pre-warm it: set warm throughput to at least {needed:,} {channel} units/s before launch",
        "billing: {mode: on_demand}   # launch day peak 20,000 writes/s\n",
        "billing: {mode: on_demand, warm_write_units_per_second: 20000}\n",
        "DOMAIN.md §4; DG/warm-throughput.html"),
    Rule(
        "DDB-P108", "Key values not described", "info",
        "A hot spot can only be seen when the design says which values a key takes and how popular they are.",
        "{note}",
        "give entity {entity} a key template for '{attribute}' or a variable '{attribute}' with its values "
        "(e.g. an enum), so its hottest value shows",
        "keys: []   # GSI key attribute Status has no template\n",
        "keys:\n  - {attribute: Status, template: \"{status}\"}\nvariables:\n"
        "  - {name: status, cardinality: 5, kind: enum}\n",
        "DOMAIN.md §4"),
    # ---------------------------------------------------------------------------------- cost
    Rule(
        "DDB-C101", "Scan in a hot path", "warning",
        "A Scan reads (and is charged for) every item it passes, at least the minimum read per partition, and "
        "throws away what partitioning gives you; keep it for rare batch jobs and serve requests with a key "
        "(DOMAIN.md §2, §6.6).",
        "'{pattern}' scans {rps:amount} times per second at {units:amount} read units each "
        "({units_per_second:amount} RCU/s, {monthly_usd:usd})",
        "serve the request with a Query on a key or an index; keep Scans for rare batch jobs (a Query reading "
        "only the wanted items removes most of the {monthly_usd:usd})",
        "- name: list open tickets\n  operation: Scan\n  filter_keep_share: 0.01\n  requests_per_second: 5\n",
        "- name: list open tickets\n  operation: Query\n  index: ByStatus\n  key_condition: {partition_key: "
        "\"OPEN#{shard}\"}\n  requests_per_second: 5\n",
        "DOMAIN.md §2 (Query/Scan), §6.6"),
    Rule(
        "DDB-C102", "Filter over-read", "warning",
        "A FilterExpression runs after the read: every evaluated item is charged, kept or not (DOMAIN.md §2). "
        "Reading ten items to return one pays for ten.",
        "'{pattern}' pays {units:amount} read units per request for items it reads, but keeps only "
        "{keep:share} of them (filters do not reduce the charge); about {wasted_usd:usd} of its "
        "{monthly_usd:usd} pays for items thrown away",
        "add an index (or a key design) that selects only the wanted items, or project fewer attributes; at the "
        "same rate that would cut its reads to about {kept_units:amount} units per request",
        "- name: admins of a team\n  operation: Query\n  items_per_request: 100\n  filter_keep_share: 0.02\n",
        "- name: admins of a team\n  operation: Query\n  key_condition:\n    partition_key: \"TEAM#{team_id}\"\n"
        "    sort_key: {operator: begins_with, value: \"ADMIN#\"}\n  items_per_request: 2\n",
        "DOMAIN.md §2 (Query/Scan), §6.3"),
    Rule(
        "DDB-C103", "GSI costs more than the reads it serves", "info",
        "An index is paid for on every write of the items it holds and in storage; an over-read that filters on "
        "the table may be cheaper when reads are rare. Do the math both ways before adding one (DOMAIN.md §6.3-4).",
        "GSI '{index}' on '{table}' costs about {upkeep_usd:usd} (writes {write_usd:usd}, storage "
        "{storage_usd:usd}) while the reads through it cost {reads_usd:usd}",
        "if the reads can over-read the table (a Query on the item collection with a filter) for less than "
        "{upkeep_usd:usd}, drop the GSI; otherwise project fewer attributes to shrink its writes and storage",
        "gsis:\n  - name: ByRole    # read 1/hour, written on every user change\n",
        "# no GSI: Query TEAM#{team_id} and filter on role (12.5 RCU at worst)\n",
        "DOMAIN.md §6.3, §6.4"),
    Rule(
        "DDB-C104", "Write amplification by indexes", "warning",
        "Every index whose entry a write adds, changes or moves costs its own write units, sized on the "
        "projected entry; five GSIs turn 1 WCU into 6 (DOMAIN.md §2, §6.2).",
        "'{pattern}' writes {index_units:amount} units to {index_count} index(es) for {table_units:amount} on the "
        "table ({total_units:amount} per request, {index_usd:usd} of index writes)",
        "project fewer attributes (KEYS_ONLY/INCLUDE), drop indexes no access pattern reads, or avoid "
        "changing index key attributes; without the index writes a request would cost {table_units:amount} units",
        "gsis: [ByEmail, ByName, ByCity, ByPlan, ByOwner]   # each projects ALL\n",
        "gsis:\n  - name: ByEmail\n    projection: {type: KEYS_ONLY}\n",
        "DOMAIN.md §2 (index writes), §6.2, §6.4"),
    Rule(
        "DDB-C105", "Billing mode break-even", "info",
        "On-demand charges per request; provisioned charges for capacity held, whether used or not. Steady "
        "load favours provisioned (and reserved), spiky or idle load on-demand (DOMAIN.md §3).",
        "'{table}' pays {current_usd:usd} for throughput; {detail} would cost {other_usd:usd}{reserved} "
        "(provisioned wins above {break_even:.0%} average utilization)",
        "consider {mode} billing: steady load favours provisioned (and reserved), spiky or idle load on-demand; "
        "modelled saving {saving_usd:usd}",
        "billing: {mode: on_demand}   # 2,000 writes/s all day\n",
        "billing: {mode: provisioned, read_capacity_units: 500, write_capacity_units: 2900,\n"
        "          auto_scaling: {target_utilization: 0.7}}\n",
        "DOMAIN.md §3"),
    Rule(
        "DDB-C106", "Cheaper table class (Standard-IA candidate)", "info",
        "Standard-IA stores for 60% less and charges about 25% more per request: it wins when storage dominates "
        "the bill (AWS's rule of thumb: storage above half the throughput cost; DOMAIN.md §3).",
        "'{table}': {recommended} is cheaper ({reason})",
        "set table_class to {recommended}: {current_usd:usd} -> {recommended_usd:usd}",
        "table_class: STANDARD   # 2 TB of old events, read rarely\n",
        "table_class: STANDARD_INFREQUENT_ACCESS\n",
        "DOMAIN.md §3"),
    Rule(
        "DDB-C107", "Reserved capacity on a Standard-IA table", "warning",
        "Reserved capacity is offered for the Standard class only (DOMAIN.md §3).",
        "'{table}' is Standard-IA: reserved capacity is offered for Standard tables only",
        "drop the reservation or use the Standard class",
        "table_class: STANDARD_INFREQUENT_ACCESS\nbilling: {mode: provisioned, reserved_read_capacity_units: 100, ...}\n",
        "table_class: STANDARD\nbilling: {mode: provisioned, reserved_read_capacity_units: 100, ...}\n",
        "DOMAIN.md §3"),
    Rule(
        "DDB-C108", "Reserved writes on a global table", "warning",
        "A global table's writes are replicated write units, which reserved capacity does not cover "
        "(DOMAIN.md §3).",
        "'{table}' is a global table: its writes are replicated write units, which reserved capacity does not "
        "cover (the reservation is left out of its cost)",
        "drop the write reservation, or keep it for GSI writes elsewhere in the account",
        "global_table: {regions: [us-east-1, eu-west-1]}\nbilling: {mode: provisioned, "
        "reserved_write_capacity_units: 500, ...}\n",
        "global_table: {regions: [us-east-1, eu-west-1]}\nbilling: {mode: provisioned, ...}\n",
        "DOMAIN.md §3"),
    Rule(
        "DDB-C109", "Prices are for another region", "warning",
        "DynamoDB prices differ by region; a cost is only as right as the price list it was computed with "
        "(DOMAIN.md §3: every price comes from a dated catalog with its sources).",
        "the design's home region is {design_region} but the price catalog '{catalog}' holds {catalog_region} "
        "prices: every dollar figure is what the design would cost in {catalog_region}",
        "price it with a catalog for {design_region}: copy engine/pricing_data/aws-2024-11.json, set its region, "
        "prices, date and sources from AWS's pricing page for {design_region}, and price with "
        "`ddb-workbench cost design.yaml --catalog FILE` (the file is validated when it loads)",
        "region: eu-west-1   # priced with aws-2024-11: us-east-1 prices\n",
        "# ddb-workbench cost design.yaml --catalog prices/eu-west-1.json\n"
        "# prices/eu-west-1.json: {id: eu-west-1-2024-11, region: eu-west-1, sources: [...], ...}\n",
        "DOMAIN.md §3"),
    Rule(
        "DDB-C110", "Stream consumer writes feed their own stream", "error",
        "A consumer whose writes land on the table it reads (or on a table whose consumers write back) makes new "
        "stream records that it reads again; unless its filter drops its own writes, the loop never ends, and "
        "neither do the writes and the bill (issue 16; DG/Streams.html: every item change is a record).",
        "consumer writes on {tables} feed back into the stream they come from without dying out (each record leads "
        "to at least one new one); the figures count one round only",
        "filter out the consumer's own writes (an event filter on an attribute only the consumer sets, such as a "
        "`source` marker), lower the consumer's filter share below one record per record, or write to another table",
        "tables:\n  - name: Orders\n    stream_consumers:\n      - {kind: lambda, name: stamp, filter_share: 1,\n"
        "         writes: [{table: Orders, entity: Order, operation: UpdateItem}]}\n",
        "tables:\n  - name: Orders\n    stream_consumers:\n      - {kind: lambda, name: stamp, filter_share: 0.5,   "
        "# INSERT events only\n         writes: [{table: Orders, entity: Order, operation: UpdateItem}]}\n",
        "DG/Streams.html; docs/streams.md"),
    # ------------------------------------------------------------------------- single-table
    Rule(
        "DDB-S101", "GetItem loop that one Query replaces (N+1)", "warning",
        "Items fetched together belong in one item collection (same partition key, sorted by the sort key), so "
        "one Query returns them: fewer round trips, and the sizes are summed and rounded once instead of once "
        "per item (DOMAIN.md §6.5, §6.6; seed: single-table design).",
        "screen '{screen}' issues '{pattern}' {times} times per view: {times} requests and {loop_units:amount} "
        "read units per view",
        "store the items in one item collection and read them with one Query: 1 request and about "
        "{query_units:amount} read units per view (modelled on {item_bytes:bytes} per item)",
        "screens:\n  - name: repository page\n    repeat: [[get issue, 20]]   # GetItem per issue\n",
        "screens:\n  - name: repository page\n    access_patterns: [repo and latest issues]   # one Query\n",
        "DOMAIN.md §6.5, §6.6"),
    Rule(
        "DDB-S102", "Vertical sharding candidate: small update of a large item", "warning",
        "A write is charged on the whole item, before or after, rounded up to 1 KB: updating one counter on a "
        "9.5 KB item costs 10 WCU. Keep often-changed attributes in a small item of the same collection "
        "(DOMAIN.md §2, §6.1).",
        "'{pattern}' changes {changed} but pays {table_units:amount} write units: an update is charged on the "
        "whole item",
        "move the often-changed attributes to a small item in the same item collection (vertical sharding); "
        "modelled: about {sharded_units:amount} write unit(s) per request instead of {table_units:amount}",
        "- name: count view\n  operation: UpdateItem\n  entities: [Page]      # 9.5 KB item\n"
        "  changed_attributes: [views]\n",
        "- name: count view\n  operation: UpdateItem\n  entities: [PageCounter]   # 60 B item, same PK\n"
        "  changed_attributes: [views]\n",
        "DOMAIN.md §2, §6.1"),
    Rule(
        "DDB-S103", "Vertical sharding candidate: frequent read of a large item", "info",
        "A read is charged on the whole item whatever the ProjectionExpression asks for (DOMAIN.md §2). A hot "
        "read that needs a few attributes of a large item pays for all of it.",
        "'{pattern}' reads '{entity}' items of {item_bytes:bytes} at {rps:amount} requests/s: "
        "{units:amount} read units per request ({monthly_usd:usd})",
        "if the request needs only some attributes, keep them in a small item of the same item collection and "
        "read that: about {small_units:amount} read unit(s) per request",
        "- name: show profile header\n  operation: GetItem\n  entities: [Profile]   # 30 KB with history\n",
        "- name: show profile header\n  operation: GetItem\n  entities: [ProfileSummary]   # 400 B, same PK\n",
        "DOMAIN.md §2, §6.1"),
    Rule(
        "DDB-S104", "Expiring data without TTL", "warning",
        "Data that expires should be deleted by TTL, which costs no write units; without it the table grows "
        "forever and every byte is billed every month (DOMAIN.md §2, §3).",
        "'{entity}' has an expiry attribute '{attribute}' but table '{table}' {ttl_state}; it grows by "
        "{growth:,.0f} items per month, about {growth_gb:.2f} GB ({growth_usd:usd} more storage each month)",
        "set the table's ttl_attribute to '{attribute}' (epoch seconds): expired items are deleted free and the "
        "storage stops growing",
        "tables:\n  - name: Sessions   # no ttl_attribute\nentities:\n  - name: Session\n    attributes:\n"
        "      - {name: expires_at, type: N}\n",
        "tables:\n  - name: Sessions\n    ttl_attribute: expires_at\n",
        "DOMAIN.md §2 (TTL deletes), §3 (storage)"),
    # -------------------------------------------------------------------------- consistency
    Rule(
        "DDB-R101", "Strongly consistent read on a GSI", "error",
        "GSIs are updated asynchronously and serve eventually consistent reads only; DynamoDB rejects "
        "ConsistentRead=true on a GSI (DOMAIN.md §2, §5). The design validator refuses it.",
        "'{pattern}' asks for a strong read on GSI '{index}'",
        "use eventual consistency, or read the table by key (GetItem/Query) for a strong read",
        "- name: user by email\n  operation: Query\n  index: ByEmail\n  consistency: strong\n",
        "- name: user by email\n  operation: Query\n  index: ByEmail\n  consistency: eventual\n",
        "DOMAIN.md §2, §5; DG/GSI.html"),
    Rule(
        "DDB-R102", "Stale read after write", "warning",
        "Eventually consistent reads may miss a write made a moment earlier; GSIs and other regions lag more "
        "(measured read-your-writes rates, DOMAIN.md §5). A read that follows its write closely should know "
        "its risk.",
        "'{pattern}' ({consistency}, {read_path}) reads {read_after_write_ms:,.0f} ms after the write and sees "
        "stale data {stale:.2%} of the time",
        "{recommendation}",
        "- name: show order after checkout\n  operation: Query\n  index: ByCustomer\n  read_after_write_ms: 0\n",
        "- name: show order after checkout\n  operation: GetItem\n  consistency: strong\n",
        "DOMAIN.md §5"),
    Rule(
        "DDB-R103", "Multi-region writes to the same items", "warning",
        "A global table (MREC) resolves concurrent writes to one item by last writer wins, silently; MRSC "
        "rejects them with ReplicatedWriteConflictException (DOMAIN.md §5).",
        "global table '{table}' ({mode}, {regions}) {outcome} about {conflicts_per_day:amount} writes per day "
        "({share:share} of its writes)",
        "write each item in one region (route by owner or home region), or make writes commutative (counters "
        "with ADD, versioned conditions); with one writing region per item the conflicts drop to 0",
        "global_table: {regions: [us-east-1, eu-west-1]}   # both regions update the same players\n",
        "# each player's writes go to its home region (pattern.region)\n",
        "DOMAIN.md §5"),
    Rule(
        "DDB-R104", "Non-idempotent write in an at-least-once stream consumer", "warning",
        "Lambda retries a failed batch until it succeeds or its records expire, and runs the whole batch again: "
        "stream consumers see records at least once (Lambda guide with-ddb.html; DG/kds.html for Kinesis). An "
        "unconditional ADD to a counter counts a retried record twice; a guarded or absolute write does not.",
        "'{consumer}' ({kind}) on the stream of '{table}' updates '{target}' without a guard ({rate:amount} writes/s): a "
        "retried batch applies its records again, so the totals drift upward",
        "make the write idempotent: in one transaction, put a marker item keyed by the record's eventID (condition "
        "attribute_not_exists, expiring by TTL) and update the counter; modelled: {alt_units:amount} write units per "
        "record instead of {units:amount}, {extra_usd:usd} more on '{target}'; or write absolute values (a Put of "
        "the whole total) instead of increments, and mark the write `idempotent: true`",
        "writes:\n  - {table: CustomerTotals, entity: CustomerTotal, operation: UpdateItem,   # ADD OrderCount :one\n"
        "     idempotent: false}\n",
        "writes:\n  - {table: CustomerTotals, entity: CustomerTotal, operation: UpdateItem,   # in a transaction with\n"
        "     idempotent: true}                                  # a marker Put per eventID\n",
        "Lambda guide with-ddb.html; DG/kds.html; DOMAIN.md §2 (transactions)"),
    Rule(
        "DDB-R105", "Kinesis Data Streams for DynamoDB reorders and repeats changes", "warning",
        "Kinesis Data Streams for DynamoDB may deliver an item's changes out of order and more than once; a DynamoDB "
        "stream keeps each item's changes in order, each once (DG/kds.html, DG/Streams.html).",
        "'{consumer}' on '{table}' needs each item's changes in order, once, but reads them from Kinesis Data Streams "
        "for DynamoDB, which may reorder and repeat them",
        "order each item's records by ApproximateCreationDateTime and skip the ones already applied (keep the last "
        "applied timestamp per item and write with a condition on it), or read the DynamoDB stream (a Lambda "
        "trigger), which keeps each item's changes in order",
        "stream_consumers:\n  - {kind: kinesis, name: search index, needs_order: true}\n",
        "stream_consumers:\n  - {kind: lambda, name: search index, needs_order: true}\n",
        "DG/kds.html; DG/Streams.html"),
    # ------------------------------------------------------------------------------- limits
    Rule(
        "DDB-L101", "Item over 400 KB", "error",
        "DynamoDB refuses items over 400 KB, names and values included (DOMAIN.md §1).",
        "'{entity}' items reach {max_bytes:bytes}; DynamoDB's limit is 400 KB ({limit_bytes:bytes})",
        "move large attributes to S3 (keep the object key) or split the item",
        "attributes:\n  - {name: body, type: S, max_size_bytes: 500000}\n",
        "attributes:\n  - {name: body_s3_key, type: S, size_bytes: 80}\n",
        "DOMAIN.md §1"),
    Rule(
        "DDB-L102", "Item near 400 KB", "warning",
        "Items close to the 400 KB limit fail the day one more attribute grows, and every read and write of "
        "them is charged in full (DOMAIN.md §1, §2).",
        "'{entity}' items reach {max_bytes:bytes}, {used:share} of the 400 KB limit",
        "move large attributes to S3 or split the item: each read of the largest item costs {read_units:amount} "
        "RCU and each write {write_units:amount} WCU today",
        "attributes:\n  - {name: history, type: L, max_size_bytes: 350000}\n",
        "# history items in the same collection: HISTORY#<date>, a few KB each\n",
        "DOMAIN.md §1, §2"),
    Rule(
        "DDB-L103", "LSI item collection near 10 GB", "warning",
        "With a local secondary index, all items of one partition key value plus their LSI entries must fit in "
        "10 GB, and that collection cannot be split for heat (DOMAIN.md §2, §4).",
        "'{table}' has LSIs; the largest item collection ('{entity}', about {items_per_key:,.0f} items per "
        "partition key value) holds about {collection_gb:.2f} GB, {used:share} of the 10 GB limit",
        "use a GSI instead of the LSI (no collection limit), or add a part to the partition key so collections "
        "stay small",
        "lsis: [ByDate]\n# one partition key per tenant, 20 million items each\n",
        "gsis:\n  - name: ByDate\n    partition_key: {name: TenantId, type: S}\n",
        "DOMAIN.md §2 (limits), §4"),
    Rule(
        "DDB-L104", "Transaction near its limits", "warning",
        "A transaction takes at most 100 actions and 4 MB (DOMAIN.md §2); one that grows with the data fails "
        "once it crosses either.",
        "'{pattern}' has {actions:amount} actions (limit 100) and up to {max_bytes:bytes} "
        "({size_share:share} of 4 MB)",
        "keep transactions small and bounded: split the work into idempotent steps or fewer items per "
        "transaction",
        "- name: close month\n  operation: TransactWriteItems\n  actions: [... 95 actions ...]\n",
        "- name: close month\n  operation: TransactWriteItems\n  actions: [... 10 actions ...]   # per batch\n",
        "DOMAIN.md §2 (limits)"),
    Rule(
        "DDB-L105", "Too many readers of a stream shard", "warning",
        "No more than two processes should read one shard of a DynamoDB stream at a time, and one for a global "
        "table; more readers are throttled (DG/ServiceQuotas.html, Lambda guide with-ddb.html). Kinesis Data "
        "Streams for DynamoDB does not read the stream.",
        "the stream of '{table}' has {readers} readers on each shard ({names}); DynamoDB allows {limit}{global_note}: reads "
        "are throttled and the consumers fall behind",
        "keep at most {limit} reader(s) per shard: fan out from one reader (a Lambda forwarding to SNS or an "
        "EventBridge bus, or EventBridge Pipes to a bus), or send the changes to Kinesis Data Streams for DynamoDB, "
        "whose consumers do not read the DynamoDB stream",
        "stream_consumers:\n  - {kind: lambda, name: totals}\n  - {kind: lambda, name: search}\n"
        "  - {kind: other, name: audit}\n",
        "stream_consumers:\n  - {kind: lambda, name: fan-out}   # forwards to an EventBridge bus\n"
        "  - {kind: kinesis, name: audit}\n",
        "DG/ServiceQuotas.html (Simultaneous readers of a shard in DynamoDB Streams)"),
    Rule(
        "DDB-L106", "Stream consumer lags at the peak", "warning",
        "A consumer gets through a limited number of records per shard per second (a Lambda trigger: parallelization "
        "factor x batch size / duration); records arriving faster wait, and the iterator age, the age of the oldest "
        "unread record, grows until the peak passes and the backlog drains (Lambda guide with-ddb.html).",
        "through a 5-minute peak ({peak:amount} records/s per shard over {shards} shard(s)) the iterator age of "
        "'{consumer}' on the stream of '{table}' reaches {age} (warning above {threshold}): {why}",
        "{fixes}",
        "stream_consumers:\n  - {kind: lambda, name: totals, batch_size: 25, avg_duration_ms: 1000,\n"
        "     parallelization_factor: 1}\n",
        "stream_consumers:\n  - {kind: lambda, name: totals, batch_size: 25, avg_duration_ms: 1000,\n"
        "     parallelization_factor: 2}\n",
        "Lambda guide with-ddb.html, services-ddb-params.html; docs/streams.md"),
    Rule(
        "DDB-L107", "Stream records lost past the 24-hour retention", "error",
        "A DynamoDB stream keeps records for 24 hours (DG/Streams.html). A consumer slower than the average record "
        "rate never catches up: its iterator age grows until it passes 24 hours, and from then on records are "
        "trimmed before it reads them.",
        "'{consumer}' gets through about {throughput:amount} records/s per shard but the stream of '{table}' brings "
        "{rate:amount} on average: its iterator age grows by {growth:share} of every second, passes 24 hours after "
        "{hours:amount} hours, and from then on about {lost_per_day:amount} records a day are lost unread",
        "{fixes}",
        "stream_consumers:\n  - {kind: other, name: audit, polls_per_second_per_shard: 0.1}\n",
        "stream_consumers:\n  - {kind: other, name: audit, polls_per_second_per_shard: 1}\n",
        "DG/Streams.html; Lambda guide with-ddb.html; docs/streams.md"),
)

RULES: dict[str, Rule] = {r.id: r for r in _RULES}
"""Every rule by id, in catalog order."""


def rule(rule_id: str) -> Rule:
    """The catalog entry of `rule_id` (KeyError if unknown)."""
    return RULES[rule_id]


__all__ = ["RULES", "rule"]
