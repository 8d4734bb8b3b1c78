"""Document service for Logement d'abord teams; the application factory is service.app."""
