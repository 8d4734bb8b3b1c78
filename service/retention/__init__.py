"""Retention of personal data (DOMAIN.md §8.4, SECURITY R11): the rules, and the nightly
flagging of the households and fiches de lien whose retention period has ended."""
