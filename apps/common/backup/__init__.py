"""Backups that restore (docs/operations.md): ``manage.py backup`` and ``manage.py restore`` over
``apps.common.backup.archive``; the database's own tools in ``sqlite`` and ``postgres``, the uploaded files in
``media``, the per-table counts and checksums in ``digest``."""
