"""Text-level knowledge every layer reads, and nothing above it: numerals, numbering markers,
sentences and clauses, web and export furniture, editing residue.  Loaders, the outline, the
extractors and the lint rules import from here; this package imports none of them."""
