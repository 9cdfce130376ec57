"""``pia preview``: the live HTML preview server on 127.0.0.1."""
