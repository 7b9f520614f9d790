"""Open Referral UK 3.0 (HSDS 3): the read-only /openreferral/ API and the ORUK import.

A plain package, not a Django app: it has no models of its own and reads and
writes cohesion.directory's. Schemas are vendored in schemas/ (CC BY-SA 4.0).
"""
