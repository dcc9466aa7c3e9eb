/**
 * Frames up to this size are copied together before a socket write; larger ones (batches, chunks,
 * large entries) are written as they are, since copying them would cost more than an extra iovec.
 */
export const COALESCE_MAX_FRAME_BYTES = 16 * 1024;

/**
 * The buffers to hand to a socket for `frames`, in the same order and with the same bytes: each
 * run of two or more frames of at most COALESCE_MAX_FRAME_BYTES copied into one buffer, every
 * other frame as it is. A thousand 30-byte SEND_RECEIPTs become one 30 KB write instead of a
 * writev of a thousand iovecs, whose per-buffer cost in Node and the kernel dominated a broker
 * answering unbatched publishes (STYLE.md, "Coalesce small writes").
 */
export function coalesceFrames(frames: readonly Buffer[]): Buffer[] {
  const out: Buffer[] = [];
  let runStart = 0;
  let runBytes = 0;
  for (let i = 0; i <= frames.length; i++) {
    const b = i < frames.length ? frames[i] : undefined;
    if (b !== undefined && b.length <= COALESCE_MAX_FRAME_BYTES) {
      runBytes += b.length;
      continue;
    }
    if (i - runStart === 1) out.push(frames[runStart]);
    else if (i > runStart) out.push(gather(frames, runStart, i, runBytes));
    if (b !== undefined) out.push(b);
    runStart = i + 1;
    runBytes = 0;
  }
  return out;
}

/** Copies `frames[from, to)` (`bytes` in all) into one new buffer. */
function gather(frames: readonly Buffer[], from: number, to: number, bytes: number): Buffer {
  const out = Buffer.allocUnsafe(bytes);
  let pos = 0;
  for (let i = from; i < to; i++) {
    out.set(frames[i], pos);
    pos += frames[i].length;
  }
  return out;
}
