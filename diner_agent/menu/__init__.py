"""The menu store: tenants, staff, items, hours, closures, audit log, message ids and confirmations."""
