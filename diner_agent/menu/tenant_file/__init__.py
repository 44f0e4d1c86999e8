"""The tenant file (DESIGN 4.1): its schema (schema.py) and loading it into the store (loader.py)."""

from diner_agent.menu.tenant_file.loader import LoadReport, load_tenants
from diner_agent.menu.tenant_file.schema import TenantFile, TenantFileError, parse_tenant_file, read_tenant_file

__all__ = ["LoadReport", "TenantFile", "TenantFileError", "load_tenants", "parse_tenant_file", "read_tenant_file"]
