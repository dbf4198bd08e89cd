"""The portal's public API, /api/v1/: read-only JSON of the same published records the pages show (the plan, its
commitments and their milestones, updates and indicators, the territory, reports, meetings and agreements, road
works and road requests), in Spanish or Kichwa, described by an OpenAPI 3.1 document and a documentation page
(/es/api/, /qu/api/) made from it. Never anything unpublished, never personal data.
"""
