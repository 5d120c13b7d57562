// What the person may do follows their capabilities (../page/can.js): edit_board shows
// the editing tools (the root's .can-edit class) and the rename button, or the
// view-only notice; losing it ends whatever edit was under way. The server checks every
// op again; this only keeps the page from offering what it would refuse.

export function installPermissions(ed, root) {
  const viewOnly = document.getElementById("view-only");

  /** Take `can` as what the person may do now. With `notice: false` (the connection
   * has ended) the view-only notice stays hidden: the alert says why instead. */
  ed.setCan = (can, { notice = true } = {}) => {
    const canEdit = Boolean(can.edit_board);
    const changed = canEdit !== ed.canEdit || Boolean(can.facilitate) !== Boolean(ed.can.facilitate);
    ed.can = can;
    ed.canEdit = canEdit;
    root.classList.toggle("can-edit", canEdit);
    viewOnly.hidden = canEdit || !notice;
    ed.title.setEditable(canEdit);
    if (!canEdit) {
      ed.editor.finish();
      ed.draft = null;
      ed.actions.cancelConnect();
      ed.phases.closeMenu();
    }
    ed.selectionChanged();
    if (changed) ed.sidePanel.roleChanged();
    ed.method.roleChanged();
    ed.room?.repaint();
  };
}
