"""The connected-equipment writes: devices and bindings, ingestion, rules, link sweep, partitions."""
