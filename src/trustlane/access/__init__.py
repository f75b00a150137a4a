"""Access: users, roles, API tokens and sessions, tenant isolation, and the audit log."""
