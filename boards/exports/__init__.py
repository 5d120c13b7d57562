"""Exports and imports of a board: SVG, PNG and PDF pictures, a JSON file that another
board can be made from, and a CSV table of the cards.

Everything here renders from one input, the board-state dict of
boards.selectors.board_state (a live board, or a snapshot's frozen `state`), with the
gap analysis of boards.gaps computed from that same dict, so an export of a version
shows exactly that version. docs/exports.md is the reference of the JSON format.
"""
