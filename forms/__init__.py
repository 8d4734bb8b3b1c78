"""WTForms classes with French labels; this package imports nothing from service/."""
