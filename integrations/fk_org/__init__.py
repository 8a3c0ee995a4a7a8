"""FK Organisation (Fælleskommunalt Organisationssystem): the organisation's unit tree
and its persons read from an export file (reader.py) and brought into roles (sync.py)."""
