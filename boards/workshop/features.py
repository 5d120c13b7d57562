"""Every feature of the room, imported so that its @action and @section register
(boards.workshop.registry). A new feature module is added here."""

from boards.workshop import private, steps, summon, timer, votes  # noqa: F401
