"""Voice of the customer: what customers write, made into evidence for the map.

Pure functions over Ibis tables and plain Python values, like :mod:`journeymap.analytics`
and :mod:`journeymap.moments`: personal data redacted, sentiment, assignment of each item to
a stage and touchpoint, pain-point themes, NPS and CSAT. Heavy models (sentence embeddings)
load lazily, where they are used.
"""

__all__: list[str] = []
