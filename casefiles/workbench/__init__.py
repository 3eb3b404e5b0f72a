"""The staff workbench (办件) in the Wagtail admin: the inbox and the case page.  Views only ask
the domain modules (``permissions``, ``workflow``, ``materials``, ``deadlines``) and show
their answers; the one piece of query logic of its own — turning the inbox's filters into a
query — lives in ``inbox.py``."""
