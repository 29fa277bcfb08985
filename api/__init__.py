"""The service shell: settings, database, tables, services, routes, the CLI and the web UI."""
