"""The `cf-aig-metadata` header: how a call is attributed to a tenant in Cloudflare's logs.

Cloudflare keeps at most 5 entries, drops keys starting with `cf.`, and ignores the whole header when
a value is an object or array. Those failures are silent on their side, so we refuse them loudly here.
"""

from __future__ import annotations

import json
import math

MAX_ENTRIES = 5


def metadata_header(tenant: str, metadata: dict | None = None) -> str:
    """Return the header value: `{"tenant": <id>, **metadata}` as flat JSON.

    Raises ValueError when the result would have more than 5 keys, a reserved or non-string key, a
    `tenant` key that contradicts the tenant, or a value that is not a string, number or boolean.
    """
    entries: dict[str, str | int | float | bool] = {"tenant": tenant}
    for key, value in (metadata or {}).items():
        if not isinstance(key, str) or not key:
            raise ValueError(f"Metadata keys must be non-empty strings, not {key!r}.")
        if key.startswith("cf."):
            raise ValueError(f"Metadata key {key!r} is reserved by Cloudflare (keys starting with 'cf.').")
        if key == "tenant":
            if value != tenant:
                raise ValueError("Metadata 'tenant' is set from the tenant argument and may not differ from it.")
            continue
        if not isinstance(value, str | int | float | bool):
            raise ValueError(
                f"Metadata value for {key!r} must be a string, number or boolean, not {type(value).__name__}."
            )
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"Metadata value for {key!r} must be a finite number.")
        entries[key] = value
    if len(entries) > MAX_ENTRIES:
        raise ValueError(
            f"cf-aig-metadata allows at most {MAX_ENTRIES} entries including 'tenant'; got {len(entries)}."
        )
    # ensure_ascii keeps the header value plain ASCII whatever the tenant or values contain.
    return json.dumps(entries, separators=(",", ":"), ensure_ascii=True)
