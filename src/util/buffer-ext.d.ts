// Node's Buffer has fast latin1 codecs that @types/node does not declare; the whole server
// relies on them to move bytes in and out of byte strings without a TextDecoder round trip.
declare global {
  interface Buffer {
    latin1Slice(start?: number, end?: number): string;
    latin1Write(s: string, offset?: number, length?: number): number;
  }
}
export {};
