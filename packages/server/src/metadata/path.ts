/**
 * Metadata key paths: '/'-separated, absolute, without empty segments or a trailing slash.
 * Validating them in one place keeps every store implementation (memory, file, later etcd) in step.
 */

export function assertValidPath(path: string): void {
  if (
    typeof path !== 'string' ||
    !path.startsWith('/') ||
    (path.length > 1 && path.endsWith('/')) ||
    path.includes('//') ||
    path.includes('\0')
  ) {
    throw new Error(`invalid metadata path "${String(path)}"`);
  }
}

/** Parent of a path ('/a/b' → '/a', '/a' → '/'); null for the root. */
export function parentPath(path: string): string | null {
  if (path === '/') return null;
  const i = path.lastIndexOf('/');
  return i === 0 ? '/' : path.slice(0, i);
}

/** Last segment of a path ('/a/b' → 'b'). */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** The path itself and every ancestor up to the root, deepest first. */
export function selfAndAncestors(path: string): string[] {
  const out: string[] = [];
  for (let p: string | null = path; p !== null; p = parentPath(p)) out.push(p);
  return out;
}

/** Joins segments under a base path, encoding each so that no segment can contain '/'. */
export function joinPath(base: string, ...segments: string[]): string {
  const tail = segments.map((s) => encodeURIComponent(s)).join('/');
  return base === '/' ? `/${tail}` : `${base}/${tail}`;
}
