"""Who may do what in oversight (django-rules); where is decided by scoping (apps.common.scoping)."""
