"""The OS2KITOS API v2 connector: client.py reads, mapping.py maps, sync.py writes."""
