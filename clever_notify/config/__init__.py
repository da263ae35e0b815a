"""Settings, read in one place: credentials, profile, API host, timeouts, the linked app; private files.

    settings.py  Settings and load_settings (environment + clever-tools config), the linked app (.clever.json)
    files.py     files this tool writes (caches, sandbox database): 0600 in 0700 folders, bounded reads
"""
