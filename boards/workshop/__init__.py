"""Running the room: the facilitator's tools on a live board (docs/protocol.md,
"Facilitation"). Modules:
- `vote_models.py`: a dot vote and its dots (`Vote`, `Dot`); boards/models.py imports it.
- `vote_rules.py`: what opening, casting, revealing, closing and promoting a vote do.
"""
