"""The statements a menu snapshot is read with (built once): the tenant row in TenantInfo's field order,
and the diner's visible items (removed ones are hidden), hours, open closures and staff."""

from __future__ import annotations

from sqlalchemy import bindparam, select

from diner_agent.menu import models as m

# An item's columns in MenuItem's field order (the snapshot and the item edits read the same shape).
ITEM_COLUMNS = (
    m.Item.id,
    m.Item.name,
    m.Item.category,
    m.Item.price_cents,
    m.Item.available,
    m.Item.aliases,
    m.Item.position,
    m.Item.sold_out_until,
    m.Item.special_until,
    m.Item.key,
)
TENANT = select(
    m.Tenant.id,
    m.Tenant.name,
    m.Tenant.timezone,
    m.Tenant.currency,
    m.Tenant.sms_number,
    m.Tenant.slack_team,
    m.Tenant.slack_default_role,
    m.Tenant.max_price_cents,
    m.Tenant.version,
    m.Tenant.ai_policy,
    m.Tenant.sold_out_until,
    m.Tenant.address,
    m.Tenant.phone,
    m.Tenant.website,
)  # in TenantInfo's field order
TENANT_BY_ID = TENANT.where(m.Tenant.id == bindparam("b_tenant"))
LOAD_ITEMS = (
    select(*ITEM_COLUMNS)
    .where(m.Item.tenant_id == bindparam("b_tenant"), m.Item.removed_at.is_(None))
    .order_by(m.Item.position, m.Item.id)
)
LOAD_WEEKLY = select(m.WeeklyHours.day, m.WeeklyHours.intervals).where(m.WeeklyHours.tenant_id == bindparam("b_tenant"))
LOAD_SPECIAL = select(m.SpecialHours.day, m.SpecialHours.intervals).where(
    m.SpecialHours.tenant_id == bindparam("b_tenant")
)
LOAD_CLOSURES = (
    select(m.Closure.id, m.Closure.reason, m.Closure.since, m.Closure.until)
    .where(m.Closure.tenant_id == bindparam("b_tenant"), m.Closure.ended_at.is_(None))
    .order_by(m.Closure.since.desc())
)
LOAD_STAFF = (
    select(m.Staff.id, m.Staff.name, m.Staff.role, m.Staff.phone, m.Staff.slack_user)
    .where(m.Staff.tenant_id == bindparam("b_tenant"))
    .order_by(m.Staff.id)
)
