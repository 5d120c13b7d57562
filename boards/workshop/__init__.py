"""Running the room: the facilitator's tools on a live board (docs/protocol.md,
"Facilitation"), beside the board's content, which stays boards.live's.

One `facilitate` frame, from the browser to the database and back:

- `boards/live/protocol.py` checks the frame's shape (`ref`, `action`, the rest are the
  action's arguments); `boards/live/consumer.py` (`on_facilitate`) hands it to
- `registry.py` (`perform`): the action's arguments are checked against its `@action`
  declaration, then, in one transaction holding the board's row lock, the person's role
  is read again and held against the action's capability (the one place that check is
  made), and the handler runs. A refusal is a ProtocolError and changes nothing.
- After the commit the consumer answers `facilitated` and publishes `workshop.changed`
  on the board's room; every socket then reads its own view (`state.py`, `state_for`,
  composed of every `@section`) and sends it as a `workshop` frame. Volatile actions
  (summon) publish their frame through the room instead and store nothing.

Modules:
- `registry.py`: the `@action` and `@section` registries, `perform`, `ActionContext`.
- `features.py`: imports every feature module, so that its actions and sections register.
- `state.py`: `state_for(board, viewer)`, the `workshop` frame of one person.
- `models.py`: what the room keeps (`Timer`, `DoneMark`); boards/models.py imports it.
- `timer.py`: the countdown. `steps.py`: the workshop's step and "I'm done".
  `summon.py`: bring everyone to the facilitator's view.
- `vote_models.py`: a dot vote and its dots (`Vote`, `Dot`); boards/models.py imports it.
  `vote_rules.py`: what opening, casting, revealing, closing and promoting a vote do, and
  what each person sees of it. `votes.py`: its actions and its section.
  `vote_export.py`: the revealed votes as the exports carry them.
  `private.py`: private writing rounds (start, reveal; who sees what: boards/private.py).

This package's `__init__` imports nothing: boards.models imports `models.py` from here.
"""
