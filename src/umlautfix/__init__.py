"""umlautfix: repair mojibake in German text.

The pipeline runs in one direction: detect (bytes to text) -> repair (text to
text) -> validate (text to a report). See README.md.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .detect import BinaryInputError, Detection, IncrementalDetector, decode, detect
from .pipeline import FileResult, LineChange, fix_bytes, fix_file
from .repair import Change, Repair, fix_text, repair
from .validate import Finding, Validation, validate

__all__ = [
    "BinaryInputError",
    "Change",
    "Detection",
    "FileResult",
    "Finding",
    "IncrementalDetector",
    "LineChange",
    "Repair",
    "Validation",
    "__version__",
    "decode",
    "detect",
    "fix_bytes",
    "fix_file",
    "fix_text",
    "repair",
    "validate",
]
