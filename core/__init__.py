"""The canteen core: households, calendar, reservations, cut-offs, prepaid ledger and persistence."""
