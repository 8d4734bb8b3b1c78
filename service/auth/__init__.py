"""Accounts, structures, roles and the access policy."""
