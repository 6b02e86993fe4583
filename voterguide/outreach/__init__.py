"""Outreach: permanent links, link cards, QR codes, flyers, share links, campaign codes, the
embeddable lookup and calendar files."""
