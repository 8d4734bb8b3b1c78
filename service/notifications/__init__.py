"""E-mail notifications: preferences, French messages without personal data, SMTP delivery."""
