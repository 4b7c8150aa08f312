"""Plans written for other tools: :mod:`.docbin` (a spaCy ``DocBin`` of the documents with their
items as spans, for training or evaluating a statistical model on policyparse's output)."""
