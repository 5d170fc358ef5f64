"""The engine: today's way of keeping the data — a TinyDB JSON base file plus an
append-only journal, under an ``flock`` (see ``storage/README.md``).

``database`` is the one entry point (:class:`~storage.engine.database.Database`); the
other modules are its parts: ``base_file`` (the base's bytes), ``journal`` and
``journal_lines`` (the journal's file and its lines), ``compaction`` (when and how the
journal is folded into a new base), ``formats`` and ``migrations`` (what a file of ours
is, and bringing an older one up to date), ``writers_lock``, ``settings`` and
``recovery`` (restore from a backup). Nothing here is re-exported: importers name the module.
"""
