"""Households (ménages) admitted to the scheme and their members."""
