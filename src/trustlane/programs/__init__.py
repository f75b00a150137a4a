"""Trusted-trader programs: criteria catalogs, security profiles with evidence, validations
with findings and required actions, tiers and membership, industry accounts, risk-based
validation planning and analytics of where members fail. See ``docs/programs.md``."""
