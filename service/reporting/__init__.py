"""The bilans: indicators as SQL aggregates, small-count suppression, the two form-less kinds."""
