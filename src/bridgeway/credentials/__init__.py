"""Issuing, keys, status lists, verification, wallet and public pages for Open Badges 3.0 credentials."""
