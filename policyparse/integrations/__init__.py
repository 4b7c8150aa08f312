"""policyparse inside other tools' pipelines: a spaCy component (:mod:`.spacy`, with the
``spacy`` extra) and the alignment of a plan's offsets to the text a caller holds
(:mod:`.align`).  Nothing here is imported by ``import policyparse``."""
