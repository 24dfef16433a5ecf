/**
 * Per-server state owned by layers above core (the scripting engine, persistence, INFO's
 * ids): each owner declares a typed key, and the server holds one value per key. This
 * keeps ServerState free of imports from those layers without casts at the call sites.
 */
import type { ServerState } from './state.ts';

/** A typed key; `create` makes the value the first time a server asks for it. */
export interface AttachmentKey<T> {
  readonly name: string;
  readonly create: (server: ServerState) => T;
}

export function attachmentKey<T>(name: string, create: (server: ServerState) => T): AttachmentKey<T> {
  return { name, create };
}

/** The values attached to one server. */
export class Attachments {
  private readonly values = new Map<AttachmentKey<unknown>, unknown>();

  constructor(private readonly owner: ServerState) {}

  /** The value for `key`, created on first use. */
  get<T>(key: AttachmentKey<T>): T {
    let v = this.values.get(key as AttachmentKey<unknown>) as T | undefined;
    if (v === undefined) {
      v = key.create(this.owner);
      this.values.set(key as AttachmentKey<unknown>, v);
    }
    return v;
  }

  /** The value for `key` if it was ever created, without creating it. */
  peek<T>(key: AttachmentKey<T>): T | undefined {
    return this.values.get(key as AttachmentKey<unknown>) as T | undefined;
  }
}
