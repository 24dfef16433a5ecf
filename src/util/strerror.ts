/** strerror(): the C library's text for the errno of a failed Node file operation. */
const TEXTS: Record<string, string> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  ENOSPC: 'No space left on device',
  EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory',
  EEXIST: 'File exists',
  EROFS: 'Read-only file system',
  EIO: 'Input/output error',
  EADDRINUSE: 'Address already in use',
  EADDRNOTAVAIL: 'Cannot assign requested address',
};

export function strerror(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return TEXTS[err?.code ?? ''] ?? err?.message ?? String(e);
}
