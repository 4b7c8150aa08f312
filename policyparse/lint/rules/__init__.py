"""Every rule module; importing this package registers them all."""

from . import already_met, arithmetic, conflict, cross_document, dates  # noqa: F401
from . import numbering, placeholder, quality, residue, table_text, units  # noqa: F401
