"""Everything about places: geocoders, address parsing, district lookup, boundary loading."""
