"""HTTP pages and htmx panels of boards, one module per concern: pages (list, create,
the editor, outline, rename, archive, delete), panels (the editor's side panel) and
card_panel (its card details), versions, sharing (managing share links and the guest's
view), exports (downloads and imports).

Views stay thin: parse, check access (journeymap.access), call an action or a selector,
render."""
