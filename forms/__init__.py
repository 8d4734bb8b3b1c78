"""WTForms classes with French labels; their vocabularies come from the domain (service.kinds)."""
