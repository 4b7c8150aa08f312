"""policyparse: Chinese government policy plans → structured, checkable data.

>>> import policyparse
>>> plan = policyparse.parse("corpora/seeds/004_417ac496b24af2bd.txt")
>>> plan.meta.period.end
2026
"""

from .errors import PolicyParseError
from .model import Plan
from .pipeline import parse

__all__ = ["Plan", "PolicyParseError", "parse"]
__version__ = "0.1.0"
