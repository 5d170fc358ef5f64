"""The PostgreSQL backend of :class:`storage.contract.Storage` (issue 16): the same records,
revisions, conflicts and audit trail as the TinyDB engine, kept in a database server.

| module | owns |
|---|---|
| ``urls.py`` | telling a ``postgresql://`` location from a file; a URL as it may be shown |
| ``connection.py`` | connecting (psycopg 3) |
| ``schema.py`` | the tables, as versioned migrations (``schema_version``) |
| ``changes.py`` | one save or replace as one transaction: revisions, writes, audit, NOTIFY |
| ``reads.py`` | the queries: every record, one client's, one type's, one by id, the trail |
| ``store.py`` | ``PgStore``: the ``Storage`` over them |
"""
