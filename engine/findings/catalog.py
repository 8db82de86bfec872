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
        id="DDB-P101", title="Hot partition key on a table", severity="error",
        principle="One partition key value lives on one partition, and a partition serves at most 3,000 read and 1,000 "
        "write units per second whatever the table's capacity; adaptive capacity moves throughput to a hot "
        "partition but cannot lift one key above that limit (DOMAIN.md §4). Spread load over many key values.",
        problem="{target}: key '{key}' peaks at {peak_read:,.0f} RCU/s + {peak_write:,.0f} WCU/s, {utilization:.0%} of one "
        "partition's limit (3,000 RCU / 1,000 WCU); {throttle_reason} throttling is expected{split_note}",
        fix="{fixes}",
        bad="tables:\n  - name: Orders\n    partition_key: {name: Status, type: S}   # 5 values, PENDING takes 40%\n",
        better="tables:\n  - name: Orders\n    partition_key: {name: StatusShard, type: S}   # PENDING#0 .. PENDING#19\n",
        source="DOMAIN.md §4; DG/burst-adaptive-capacity.html"),
    Rule(
        id="DDB-P102", title="Hot partition key on a GSI", severity="error",
        principle="A GSI is partitioned by its own key, with the same per-partition limits as a table. A GSI keyed on a "
        "popular value throttles its own writes and, through back-pressure, the base-table writes that feed it "
        "(DOMAIN.md §4, DG/gsi-throttling.html).",
        problem="{target}: key '{key}' peaks at {peak_read:,.0f} RCU/s + {peak_write:,.0f} WCU/s, {utilization:.0%} of one "
        "partition's limit (3,000 RCU / 1,000 WCU); {throttle_reason} throttling is expected{split_note}"
        "{backpressure}",
        fix="{fixes}",
        bad="gsis:\n  - name: ByStatus\n    partition_key: {name: Status, type: S}\n",
        better="gsis:\n  - name: ByStatus\n    partition_key: {name: StatusShard, type: S}   # Status#<0-9>, 10 Queries\n",
        source="DOMAIN.md §4; DG/gsi-throttling.html"),
    Rule(
        id="DDB-P103", title="Low-cardinality partition key", severity="warning",
        principle="A partition key with a handful of values (a boolean, a status, an enum) caps the whole target at that "
        "many partitions' worth of throughput, however large it is provisioned; high-cardinality keys are the "
        "first rule of partitioning (seed: partitions article; DOMAIN.md §4 and §6.6).",
        problem="{target}: partition key template '{template}' takes only {count:,} value(s); the busiest one carries "
        "{share:share} of the load, and the target can never serve more than {max_write:,} WCU/s or "
        "{max_read:,} RCU/s in total ({count:,} partitions' worth)",
        fix="add a high-cardinality part to the key (an id, or a shard suffix read back with parallel Queries) so "
        "requests spread: every further distinct value raises that ceiling by 1,000 WCU/s and 3,000 RCU/s",
        bad="keys:\n  - {attribute: Status, template: \"{status}\"}   # 5 values\n",
        better="keys:\n  - {attribute: Status, template: \"{status}#{shard}\"}   # 5 x 20 values\n",
        source="DOMAIN.md §4, §6.6"),
    Rule(
        id="DDB-P104", title="Hot partition (several warm keys share it)", severity="warning",
        principle="Keys are placed by a hash, so several busy keys can share one partition; the partition's limit binds "
        "before any single key's does (DOMAIN.md §4).",
        problem="{target}: partition {partition} peaks at {utilization:.0%} of its limit ({key_count} keys share it) "
        "although no single key is over",
        fix="split for heat divides it after minutes of sustained load; spread the hottest keys further "
        "(higher-cardinality key) or lower the peak",
        bad="key_distribution: {kind: zipf, exponent: 1.2}   # a few keys take most requests\n",
        better="key_distribution: {kind: uniform}   # or more distinct keys for the same load\n",
        source="DOMAIN.md §4"),
    Rule(
        id="DDB-P105", title="Peak load above provisioned capacity", severity="warning",
        principle="Provisioned capacity is a ceiling: burst capacity banks at most 300 s of unused units, then requests "
        "are throttled (DOMAIN.md §4).",
        problem="{target}: peak {channel} load {peak:,.0f} units/s exceeds the provisioned {capacity:,.0f}; after burst "
        "capacity (300 s of unused units) runs out, expect {throttle_reason}",
        fix="provision at least {needed:,} {channel} units, enable auto scaling, or switch to on-demand",
        bad="billing: {mode: provisioned, read_capacity_units: 100, write_capacity_units: 50}\n",
        better="billing: {mode: provisioned, read_capacity_units: 100, write_capacity_units: 50,\n"
        "          auto_scaling: {max_write_capacity_units: 2000}}\n",
        source="DOMAIN.md §4"),
    Rule(
        id="DDB-P106", title="Peak load above the on-demand maximum", severity="warning",
        principle="An on-demand table's configured maximum throughput is a hard cap (DOMAIN.md §4).",
        problem="{target}: peak {channel} load {peak:,.0f} units/s exceeds the configured maximum on-demand throughput "
        "{maximum:,.0f}; expect {throttle_reason}",
        fix="raise the maximum to at least {needed:,} or remove it",
        bad="billing: {mode: on_demand, max_write_request_units: 500}\n",
        better="billing: {mode: on_demand}\n",
        source="DOMAIN.md §4"),
    Rule(
        id="DDB-P107", title="Peak above what on-demand absorbs at once", severity="warning",
        principle="A new on-demand table absorbs 4,000 writes and 12,000 reads per second, and later twice its previous "
        "peak; more than that may throttle for up to 30 minutes while it scales (DOMAIN.md §4).",
        problem="{target}: peak {channel} load {peak:,.0f} units/s exceeds the {capacity:,.0f} units/s the on-demand table "
        "absorbs at once (its warm throughput, or 2 x its previous peak); expect {throttle_reason} while it "
        "scales (up to 30 minutes)",
        fix="pre-warm it: set warm throughput to at least {needed:,} {channel} units/s before launch",
        bad="billing: {mode: on_demand}   # launch day peak 20,000 writes/s\n",
        better="billing: {mode: on_demand, warm_write_units_per_second: 20000}\n",
        source="DOMAIN.md §4; DG/warm-throughput.html"),
    Rule(
        id="DDB-P108", title="Key values not described", severity="info",
        principle="A hot spot can only be seen when the design says which values a key takes and how popular they are.",
        problem="{note}",
        fix="give entity {entity} a key template for '{attribute}' or a variable '{attribute}' with its values "
        "(e.g. an enum), so its hottest value shows",
        bad="keys: []   # GSI key attribute Status has no template\n",
        better="keys:\n  - {attribute: Status, template: \"{status}\"}\nvariables:\n"
        "  - {name: status, cardinality: 5, kind: enum}\n",
        source="DOMAIN.md §4"),
    # ---------------------------------------------------------------------------------- cost
    Rule(
        id="DDB-C101", title="Scan in a hot path", severity="warning",
        principle="A Scan reads (and is charged for) every item it passes, at least the minimum read per partition, and "
        "throws away what partitioning gives you; keep it for rare batch jobs and serve requests with a key "
        "(DOMAIN.md §2, §6.6).",
        problem="'{pattern}' scans {rps:amount} times per second at {units:amount} read units each "
        "({units_per_second:amount} RCU/s, {monthly_usd:usd})",
        fix="serve the request with a Query on a key or an index; keep Scans for rare batch jobs (a Query reading "
        "only the wanted items removes most of the {monthly_usd:usd})",
        bad="- name: list open tickets\n  operation: Scan\n  filter_keep_share: 0.01\n  requests_per_second: 5\n",
        better="- name: list open tickets\n  operation: Query\n  index: ByStatus\n  key_condition: {partition_key: "
        "\"OPEN#{shard}\"}\n  requests_per_second: 5\n",
        source="DOMAIN.md §2 (Query/Scan), §6.6"),
    Rule(
        id="DDB-C102", title="Filter over-read", severity="warning",
        principle="A FilterExpression runs after the read: every evaluated item is charged, kept or not (DOMAIN.md §2). "
        "Reading ten items to return one pays for ten.",
        problem="'{pattern}' pays {units:amount} read units per request for items it reads, but keeps only "
        "{keep:share} of them (filters do not reduce the charge); about {wasted_usd:usd} of its "
        "{monthly_usd:usd} pays for items thrown away",
        fix="add an index (or a key design) that selects only the wanted items, or project fewer attributes; at the "
        "same rate that would cut its reads to about {kept_units:amount} units per request",
        bad="- name: admins of a team\n  operation: Query\n  items_per_request: 100\n  filter_keep_share: 0.02\n",
        better="- name: admins of a team\n  operation: Query\n  key_condition:\n    partition_key: \"TEAM#{team_id}\"\n"
        "    sort_key: {operator: begins_with, value: \"ADMIN#\"}\n  items_per_request: 2\n",
        source="DOMAIN.md §2 (Query/Scan), §6.3"),
    Rule(
        id="DDB-C103", title="GSI costs more than the reads it serves", severity="info",
        principle="An index is paid for on every write of the items it holds and in storage; an over-read that filters on "
        "the table may be cheaper when reads are rare. Do the math both ways before adding one (DOMAIN.md §6.3-4).",
        problem="GSI '{index}' on '{table}' costs about {upkeep_usd:usd} (writes {write_usd:usd}, storage "
        "{storage_usd:usd}) while the reads through it cost {reads_usd:usd}",
        fix="if the reads can over-read the table (a Query on the item collection with a filter) for less than "
        "{upkeep_usd:usd}, drop the GSI; otherwise project fewer attributes to shrink its writes and storage",
        bad="gsis:\n  - name: ByRole    # read 1/hour, written on every user change\n",
        better="# no GSI: Query TEAM#{team_id} and filter on role (12.5 RCU at worst)\n",
        source="DOMAIN.md §6.3, §6.4"),
    Rule(
        id="DDB-C104", title="Write amplification by indexes", severity="warning",
        principle="Every index whose entry a write adds, changes or moves costs its own write units, sized on the "
        "projected entry; five GSIs turn 1 WCU into 6 (DOMAIN.md §2, §6.2).",
        problem="'{pattern}' writes {index_units:amount} units to {index_count} index(es) for {table_units:amount} on the "
        "table ({total_units:amount} per request, {index_usd:usd} of index writes)",
        fix="project fewer attributes (KEYS_ONLY/INCLUDE), drop indexes no access pattern reads, or avoid "
        "changing index key attributes; without the index writes a request would cost {table_units:amount} units",
        bad="gsis: [ByEmail, ByName, ByCity, ByPlan, ByOwner]   # each projects ALL\n",
        better="gsis:\n  - name: ByEmail\n    projection: {type: KEYS_ONLY}\n",
        source="DOMAIN.md §2 (index writes), §6.2, §6.4"),
    Rule(
        id="DDB-C105", title="Billing mode break-even", severity="info",
        principle="On-demand charges per request; provisioned charges for capacity held, whether used or not. Steady "
        "load favours provisioned (and reserved), spiky or idle load on-demand (DOMAIN.md §3).",
        problem="'{table}' pays {current_usd:usd} for throughput; {detail} would cost {other_usd:usd}{reserved} "
        "(provisioned wins above {break_even:.0%} average utilization)",
        fix="consider {mode} billing: steady load favours provisioned (and reserved), spiky or idle load on-demand; "
        "modelled saving {saving_usd:usd}",
        bad="billing: {mode: on_demand}   # 2,000 writes/s all day\n",
        better="billing: {mode: provisioned, read_capacity_units: 500, write_capacity_units: 2900,\n"
        "          auto_scaling: {target_utilization: 0.7}}\n",
        source="DOMAIN.md §3"),
    Rule(
        id="DDB-C106", title="Cheaper table class (Standard-IA candidate)", severity="info",
        principle="Standard-IA stores for 60% less and charges about 25% more per request: it wins when storage dominates "
        "the bill (AWS's rule of thumb: storage above half the throughput cost; DOMAIN.md §3).",
        problem="'{table}': {recommended} is cheaper ({reason})",
        fix="set table_class to {recommended}: {current_usd:usd} -> {recommended_usd:usd}",
        bad="table_class: STANDARD   # 2 TB of old events, read rarely\n",
        better="table_class: STANDARD_INFREQUENT_ACCESS\n",
        source="DOMAIN.md §3"),
    Rule(
        id="DDB-C107", title="Reserved capacity on a Standard-IA table", severity="warning",
        principle="Reserved capacity is offered for the Standard class only (DOMAIN.md §3).",
        problem="'{table}' is Standard-IA: reserved capacity is offered for Standard tables only",
        fix="drop the reservation or use the Standard class",
        bad="table_class: STANDARD_INFREQUENT_ACCESS\nbilling: {mode: provisioned, reserved_read_capacity_units: 100, ...}\n",
        better="table_class: STANDARD\nbilling: {mode: provisioned, reserved_read_capacity_units: 100, ...}\n",
        source="DOMAIN.md §3"),
    Rule(
        id="DDB-C108", title="Reserved writes on a global table", severity="warning",
        principle="A global table's writes are replicated write units, which reserved capacity does not cover "
        "(DOMAIN.md §3).",
        problem="'{table}' is a global table: its writes are replicated write units, which reserved capacity does not "
        "cover (the reservation is left out of its cost)",
        fix="drop the write reservation, or keep it for GSI writes elsewhere in the account",
        bad="global_table: {regions: [us-east-1, eu-west-1]}\nbilling: {mode: provisioned, "
        "reserved_write_capacity_units: 500, ...}\n",
        better="global_table: {regions: [us-east-1, eu-west-1]}\nbilling: {mode: provisioned, ...}\n",
        source="DOMAIN.md §3"),
    Rule(
        id="DDB-C109", title="Prices are for another region", severity="warning",
        principle="DynamoDB prices differ by region; a cost is only as right as the price list it was computed with "
        "(DOMAIN.md §3: every price comes from a dated catalog with its sources).",
        problem="the design's home region is {design_region} but the price catalog '{catalog}' holds {catalog_region} "
        "prices: every dollar figure is what the design would cost in {catalog_region}",
        fix="price it with a catalog for {design_region}: copy engine/pricing_data/aws-2024-11.json, set its region, "
        "prices, date and sources from AWS's pricing page for {design_region}, and price with "
        "`ddb-workbench cost design.yaml --catalog FILE` (the file is validated when it loads)",
        bad="region: eu-west-1   # priced with aws-2024-11: us-east-1 prices\n",
        better="# ddb-workbench cost design.yaml --catalog prices/eu-west-1.json\n"
        "# prices/eu-west-1.json: {id: eu-west-1-2024-11, region: eu-west-1, sources: [...], ...}\n",
        source="DOMAIN.md §3"),
    Rule(
        id="DDB-C110", title="Stream consumer writes feed their own stream", severity="error",
        principle="A consumer whose writes land on the table it reads (or on a table whose consumers write back) makes new "
        "stream records that it reads again; unless its filter drops its own writes, the loop never ends, and "
        "neither do the writes and the bill (issue 16; DG/Streams.html: every item change is a record).",
        problem="consumer writes on {tables} feed back into the stream they come from without dying out (each record leads "
        "to at least one new one); the figures count one round only",
        fix="filter out the consumer's own writes (an event filter on an attribute only the consumer sets, such as a "
        "`source` marker), lower the consumer's filter share below one record per record, or write to another table",
        bad="tables:\n  - name: Orders\n    stream_consumers:\n      - {kind: lambda, name: stamp, filter_share: 1,\n"
        "         writes: [{table: Orders, entity: Order, operation: UpdateItem}]}\n",
        better="tables:\n  - name: Orders\n    stream_consumers:\n      - {kind: lambda, name: stamp, filter_share: 0.5,   "
        "# INSERT events only\n         writes: [{table: Orders, entity: Order, operation: UpdateItem}]}\n",
        source="DG/Streams.html; docs/streams.md"),
    # ------------------------------------------------------------------------- single-table
    Rule(
        id="DDB-S101", title="GetItem loop that one Query replaces (N+1)", severity="warning",
        principle="Items fetched together belong in one item collection (same partition key, sorted by the sort key), so "
        "one Query returns them: fewer round trips, and the sizes are summed and rounded once instead of once "
        "per item (DOMAIN.md §6.5, §6.6; seed: single-table design).",
        problem="screen '{screen}' issues '{pattern}' {times} times per view: {times} requests and {loop_units:amount} "
        "read units per view",
        fix="store the items in one item collection and read them with one Query: 1 request and about "
        "{query_units:amount} read units per view (modelled on {item_bytes:bytes} per item)",
        bad="screens:\n  - name: repository page\n    repeat: [[get issue, 20]]   # GetItem per issue\n",
        better="screens:\n  - name: repository page\n    access_patterns: [repo and latest issues]   # one Query\n",
        source="DOMAIN.md §6.5, §6.6"),
    Rule(
        id="DDB-S102", title="Vertical sharding candidate: small update of a large item", severity="warning",
        principle="A write is charged on the whole item, before or after, rounded up to 1 KB: updating one counter on a "
        "9.5 KB item costs 10 WCU. Keep often-changed attributes in a small item of the same collection "
        "(DOMAIN.md §2, §6.1).",
        problem="'{pattern}' changes {changed} but pays {table_units:amount} write units: an update is charged on the "
        "whole item",
        fix="move the often-changed attributes to a small item in the same item collection (vertical sharding); "
        "modelled: about {sharded_units:amount} write unit(s) per request instead of {table_units:amount}",
        bad="- name: count view\n  operation: UpdateItem\n  entities: [Page]      # 9.5 KB item\n"
        "  changed_attributes: [views]\n",
        better="- name: count view\n  operation: UpdateItem\n  entities: [PageCounter]   # 60 B item, same PK\n"
        "  changed_attributes: [views]\n",
        source="DOMAIN.md §2, §6.1"),
    Rule(
        id="DDB-S103", title="Vertical sharding candidate: frequent read of a large item", severity="info",
        principle="A read is charged on the whole item whatever the ProjectionExpression asks for (DOMAIN.md §2). A hot "
        "read that needs a few attributes of a large item pays for all of it.",
        problem="'{pattern}' reads '{entity}' items of {item_bytes:bytes} at {rps:amount} requests/s: "
        "{units:amount} read units per request ({monthly_usd:usd})",
        fix="if the request needs only some attributes, keep them in a small item of the same item collection and "
        "read that: about {small_units:amount} read unit(s) per request",
        bad="- name: show profile header\n  operation: GetItem\n  entities: [Profile]   # 30 KB with history\n",
        better="- name: show profile header\n  operation: GetItem\n  entities: [ProfileSummary]   # 400 B, same PK\n",
        source="DOMAIN.md §2, §6.1"),
    Rule(
        id="DDB-S104", title="Expiring data without TTL", severity="warning",
        principle="Data that expires should be deleted by TTL, which costs no write units; without it the table grows "
        "forever and every byte is billed every month (DOMAIN.md §2, §3).",
        problem="'{entity}' has an expiry attribute '{attribute}' but table '{table}' {ttl_state}; it grows by "
        "{growth:,.0f} items per month, about {growth_gb:.2f} GB ({growth_usd:usd} more storage each month)",
        fix="set the table's ttl_attribute to '{attribute}' (epoch seconds): expired items are deleted free and the "
        "storage stops growing",
        bad="tables:\n  - name: Sessions   # no ttl_attribute\nentities:\n  - name: Session\n    attributes:\n"
        "      - {name: expires_at, type: N}\n",
        better="tables:\n  - name: Sessions\n    ttl_attribute: expires_at\n",
        source="DOMAIN.md §2 (TTL deletes), §3 (storage)"),
    # -------------------------------------------------------------------------- consistency
    Rule(
        id="DDB-R101", title="Strongly consistent read on a GSI", severity="error",
        principle="GSIs are updated asynchronously and serve eventually consistent reads only; DynamoDB rejects "
        "ConsistentRead=true on a GSI (DOMAIN.md §2, §5). The design validator refuses it.",
        problem="'{pattern}' asks for a strong read on GSI '{index}'",
        fix="use eventual consistency, or read the table by key (GetItem/Query) for a strong read",
        bad="- name: user by email\n  operation: Query\n  index: ByEmail\n  consistency: strong\n",
        better="- name: user by email\n  operation: Query\n  index: ByEmail\n  consistency: eventual\n",
        source="DOMAIN.md §2, §5; DG/GSI.html"),
    Rule(
        id="DDB-R102", title="Stale read after write", severity="warning",
        principle="Eventually consistent reads may miss a write made a moment earlier; GSIs and other regions lag more "
        "(measured read-your-writes rates, DOMAIN.md §5). A read that follows its write closely should know "
        "its risk.",
        problem="'{pattern}' ({consistency}, {read_path}) reads {read_after_write_ms:,.0f} ms after the write and sees "
        "stale data {stale:.2%} of the time",
        fix="{recommendation}",
        bad="- name: show order after checkout\n  operation: Query\n  index: ByCustomer\n  read_after_write_ms: 0\n",
        better="- name: show order after checkout\n  operation: GetItem\n  consistency: strong\n",
        source="DOMAIN.md §5"),
    Rule(
        id="DDB-R103", title="Multi-region writes to the same items", severity="warning",
        principle="A global table (MREC) resolves concurrent writes to one item by last writer wins, silently; MRSC "
        "rejects them with ReplicatedWriteConflictException (DOMAIN.md §5).",
        problem="global table '{table}' ({mode}, {regions}) {outcome} about {conflicts_per_day:amount} writes per day "
        "({share:share} of its writes)",
        fix="write each item in one region (route by owner or home region), or make writes commutative (counters "
        "with ADD, versioned conditions); with one writing region per item the conflicts drop to 0",
        bad="global_table: {regions: [us-east-1, eu-west-1]}   # both regions update the same players\n",
        better="# each player's writes go to its home region (pattern.region)\n",
        source="DOMAIN.md §5"),
    Rule(
        id="DDB-R104", title="Non-idempotent write in an at-least-once stream consumer", severity="warning",
        principle="Lambda retries a failed batch until it succeeds or its records expire, and runs the whole batch again: "
        "stream consumers see records at least once (Lambda guide with-ddb.html; DG/kds.html for Kinesis). An "
        "unconditional ADD to a counter counts a retried record twice; a guarded or absolute write does not.",
        problem="'{consumer}' ({kind}) on the stream of '{table}' updates '{target}' without a guard ({rate:amount} writes/s): a "
        "retried batch applies its records again, so the totals drift upward",
        fix="make the write idempotent: in one transaction, put a marker item keyed by the record's eventID (condition "
        "attribute_not_exists, expiring by TTL) and update the counter; modelled: {alt_units:amount} write units per "
        "record instead of {units:amount}, {extra_usd:usd} more on '{target}'; or write absolute values (a Put of "
        "the whole total) instead of increments, and mark the write `idempotent: true`",
        bad="writes:\n  - {table: CustomerTotals, entity: CustomerTotal, operation: UpdateItem,   # ADD OrderCount :one\n"
        "     idempotent: false}\n",
        better="writes:\n  - {table: CustomerTotals, entity: CustomerTotal, operation: UpdateItem,   # in a transaction with\n"
        "     idempotent: true}                                  # a marker Put per eventID\n",
        source="Lambda guide with-ddb.html; DG/kds.html; DOMAIN.md §2 (transactions)"),
    Rule(
        id="DDB-R105", title="Kinesis Data Streams for DynamoDB reorders and repeats changes", severity="warning",
        principle="Kinesis Data Streams for DynamoDB may deliver an item's changes out of order and more than once; a DynamoDB "
        "stream keeps each item's changes in order, each once (DG/kds.html, DG/Streams.html).",
        problem="'{consumer}' on '{table}' needs each item's changes in order, once, but reads them from Kinesis Data Streams "
        "for DynamoDB, which may reorder and repeat them",
        fix="order each item's records by ApproximateCreationDateTime and skip the ones already applied (keep the last "
        "applied timestamp per item and write with a condition on it), or read the DynamoDB stream (a Lambda "
        "trigger), which keeps each item's changes in order",
        bad="stream_consumers:\n  - {kind: kinesis, name: search index, needs_order: true}\n",
        better="stream_consumers:\n  - {kind: lambda, name: search index, needs_order: true}\n",
        source="DG/kds.html; DG/Streams.html"),
    # ------------------------------------------------------------------------------- limits
    Rule(
        id="DDB-L101", title="Item over 400 KB", severity="error",
        principle="DynamoDB refuses items over 400 KB, names and values included (DOMAIN.md §1).",
        problem="'{entity}' items reach {max_bytes:bytes}; DynamoDB's limit is 400 KB ({limit_bytes:bytes})",
        fix="move large attributes to S3 (keep the object key) or split the item",
        bad="attributes:\n  - {name: body, type: S, max_size_bytes: 500000}\n",
        better="attributes:\n  - {name: body_s3_key, type: S, size_bytes: 80}\n",
        source="DOMAIN.md §1"),
    Rule(
        id="DDB-L102", title="Item near 400 KB", severity="warning",
        principle="Items close to the 400 KB limit fail the day one more attribute grows, and every read and write of "
        "them is charged in full (DOMAIN.md §1, §2).",
        problem="'{entity}' items reach {max_bytes:bytes}, {used:share} of the 400 KB limit",
        fix="move large attributes to S3 or split the item: each read of the largest item costs {read_units:amount} "
        "RCU and each write {write_units:amount} WCU today",
        bad="attributes:\n  - {name: history, type: L, max_size_bytes: 350000}\n",
        better="# history items in the same collection: HISTORY#<date>, a few KB each\n",
        source="DOMAIN.md §1, §2"),
    Rule(
        id="DDB-L103", title="LSI item collection near 10 GB", severity="warning",
        principle="With a local secondary index, all items of one partition key value plus their LSI entries must fit in "
        "10 GB, and that collection cannot be split for heat (DOMAIN.md §2, §4).",
        problem="'{table}' has LSIs; the largest item collection ('{entity}', about {items_per_key:,.0f} items per "
        "partition key value) holds about {collection_gb:.2f} GB, {used:share} of the 10 GB limit",
        fix="use a GSI instead of the LSI (no collection limit), or add a part to the partition key so collections "
        "stay small",
        bad="lsis: [ByDate]\n# one partition key per tenant, 20 million items each\n",
        better="gsis:\n  - name: ByDate\n    partition_key: {name: TenantId, type: S}\n",
        source="DOMAIN.md §2 (limits), §4"),
    Rule(
        id="DDB-L104", title="Transaction near its limits", severity="warning",
        principle="A transaction takes at most 100 actions and 4 MB (DOMAIN.md §2); one that grows with the data fails "
        "once it crosses either.",
        problem="'{pattern}' has {actions:amount} actions (limit 100) and up to {max_bytes:bytes} "
        "({size_share:share} of 4 MB)",
        fix="keep transactions small and bounded: split the work into idempotent steps or fewer items per "
        "transaction",
        bad="- name: close month\n  operation: TransactWriteItems\n  actions: [... 95 actions ...]\n",
        better="- name: close month\n  operation: TransactWriteItems\n  actions: [... 10 actions ...]   # per batch\n",
        source="DOMAIN.md §2 (limits)"),
    Rule(
        id="DDB-L105", title="Too many readers of a stream shard", severity="warning",
        principle="No more than two processes should read one shard of a DynamoDB stream at a time, and one for a global "
        "table; more readers are throttled (DG/ServiceQuotas.html, Lambda guide with-ddb.html). Kinesis Data "
        "Streams for DynamoDB does not read the stream.",
        problem="the stream of '{table}' has {readers} readers on each shard ({names}); DynamoDB allows {limit}{global_note}: reads "
        "are throttled and the consumers fall behind",
        fix="keep at most {limit} reader(s) per shard: fan out from one reader (a Lambda forwarding to SNS or an "
        "EventBridge bus, or EventBridge Pipes to a bus), or send the changes to Kinesis Data Streams for DynamoDB, "
        "whose consumers do not read the DynamoDB stream",
        bad="stream_consumers:\n  - {kind: lambda, name: totals}\n  - {kind: lambda, name: search}\n"
        "  - {kind: other, name: audit}\n",
        better="stream_consumers:\n  - {kind: lambda, name: fan-out}   # forwards to an EventBridge bus\n"
        "  - {kind: kinesis, name: audit}\n",
        source="DG/ServiceQuotas.html (Simultaneous readers of a shard in DynamoDB Streams)"),
    Rule(
        id="DDB-L106", title="Stream consumer lags at the peak", severity="warning",
        principle="A consumer gets through a limited number of records per shard per second (a Lambda trigger: parallelization "
        "factor x batch size / duration); records arriving faster wait, and the iterator age, the age of the oldest "
        "unread record, grows until the peak passes and the backlog drains (Lambda guide with-ddb.html).",
        problem="through a 5-minute peak ({peak:amount} records/s per shard over {shards} shard(s)) the iterator age of "
        "'{consumer}' on the stream of '{table}' reaches {age} (warning above {threshold}): {why}",
        fix="{fixes}",
        bad="stream_consumers:\n  - {kind: lambda, name: totals, batch_size: 25, avg_duration_ms: 1000,\n"
        "     parallelization_factor: 1}\n",
        better="stream_consumers:\n  - {kind: lambda, name: totals, batch_size: 25, avg_duration_ms: 1000,\n"
        "     parallelization_factor: 2}\n",
        source="Lambda guide with-ddb.html, services-ddb-params.html; docs/streams.md"),
    Rule(
        id="DDB-L107", title="Stream records lost past the 24-hour retention", severity="error",
        principle="A DynamoDB stream keeps records for 24 hours (DG/Streams.html). A consumer slower than the average record "
        "rate never catches up: its iterator age grows until it passes 24 hours, and from then on records are "
        "trimmed before it reads them.",
        problem="'{consumer}' gets through about {throughput:amount} records/s per shard but the stream of '{table}' brings "
        "{rate:amount} on average: its iterator age grows by {growth:share} of every second, passes 24 hours after "
        "{hours:amount} hours, and from then on about {lost_per_day:amount} records a day are lost unread",
        fix="{fixes}",
        bad="stream_consumers:\n  - {kind: other, name: audit, polls_per_second_per_shard: 0.1}\n",
        better="stream_consumers:\n  - {kind: other, name: audit, polls_per_second_per_shard: 1}\n",
        source="DG/Streams.html; Lambda guide with-ddb.html; docs/streams.md"),
)

RULES: dict[str, Rule] = {r.id: r for r in _RULES}
"""Every rule by id, in catalog order."""


def rule(rule_id: str) -> Rule:
    """The catalog entry of `rule_id` (KeyError if unknown)."""
    return RULES[rule_id]


__all__ = ["RULES", "rule"]
