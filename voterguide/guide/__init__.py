"""The public guide: address lookup, district, candidate and explainer pages."""
