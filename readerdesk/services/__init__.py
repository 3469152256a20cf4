"""Domain logic as plain functions. Services take their dependencies (session, clients, ``now``)
as arguments, raise domain errors, and never commit: the view, CLI command or job that calls them
owns the transaction."""
