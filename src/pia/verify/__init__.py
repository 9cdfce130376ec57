"""``pia verify``: re-derive a report's numbers from the files attached to it."""
