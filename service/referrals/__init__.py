"""The Plateforme's handling of received fiches de lien: inbox and decisions."""
