// One change of the editor is one op frame, one revision, when it fits the server's
// limits (`max_ops` ops and `max_frame_bytes` bytes a frame, docs/protocol.md). A larger
// one (undoing the deletion of a phase of 1,000 cards, deleting 600 selected cards) goes
// as several frames in order, each a revision of its own, instead of being refused: the
// server commits a socket's frames in the order sent.

const HEAD = 120;  // {"type":"op","op_id":"<uuid>","ops":[…]} around the ops, and a margin

/** Submit `ops` through `sync` (a BoardSync) in as few frames as fit; the last frame's
 * op_id, or null when nothing could be sent. */
export function submitInFrames(sync, ops) {
  const limits = sync.limits;
  if (!limits) return sync.submit(ops);
  const maxOps = limits.max_ops;
  const maxBytes = limits.max_frame_bytes - HEAD;
  const encoder = new TextEncoder();
  const frames = [];
  let frame = [];
  let bytes = 0;
  for (const op of ops) {
    const size = encoder.encode(JSON.stringify(op)).length + 1;
    if (frame.length && (frame.length >= maxOps || bytes + size > maxBytes)) {
      frames.push(frame);
      frame = [];
      bytes = 0;
    }
    frame.push(op);
    bytes += size;
  }
  if (frame.length) frames.push(frame);
  let last = null;
  for (const part of frames) last = sync.submit(part) ?? last;
  return last;
}
