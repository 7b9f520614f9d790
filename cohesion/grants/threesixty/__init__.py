"""360Giving Data Standard publication of awarded grants.

The modules records, serialise, validate, quality and flatten are pure Python
(no Django) so the export is a function of the data alone; from_models adapts
the grant models to records, and views/urls give staff the report and downloads.
"""
