"""Models: see the app's docstring in apps.py."""
