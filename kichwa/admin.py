"""The staff admin of recordings, the Kichwa review queues and the glossary, one module per room."""

from . import (
    admin_audio,  # noqa: F401 - recordings
    admin_content,  # noqa: F401 - the queue of the Kichwa of published records
    admin_glossary,  # noqa: F401 - the glossary
    admin_review,  # noqa: F401 - the interface texts' review queue
)
