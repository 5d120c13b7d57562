"""The live board: the sync machinery of docs/protocol.md, one module per concern.

- protocol: the frames and ops on the wire, validated (nothing invalid goes further).
- consumer: the board WebSocket (thin: who is this, then hand frames to the room) over
  inbox (its one queue of frames and board events).
- reads: what a socket reads from the database (opening, sync replies, pongs), each
  time asking the Viewer whether its person may still read the board.
- room: one board in one process: its sockets, its channel-layer subscription, its
  commit queue, and `publish`, the one way a patch goes out.
- commit: the group commit's transaction and unit of work; the only user of sql.
- batch: the rules of one op frame, applied to the rows the commit loaded; its parts
  batch_cards, batch_lines (arrows and links) and batch_phases hold the rules of each
  kind of op, and held the rows a batch works on.
- sql: the commit's fixed statements in plain SQL (the per-op path's speed).
- events: group names and the messages sent to live sessions from synchronous code.
- routing: the WebSocket URLs.

docs/architecture.md follows one edit through these modules.
"""
