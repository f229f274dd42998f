"""Where a send goes: a workspace's enterprise ID, API root and tokens (the sandbox's or telecrm's).

Its own module because both the pipeline bridge and the sandbox link hand it out.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Destination:
    enterprise_id: str
    base_url: str
    tokens: list  # core secrets.Token
