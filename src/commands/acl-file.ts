/**
 * The ACL file (`aclfile`): ACL LOAD and ACL SAVE, and its loading at startup. A relative
 * path is taken from `dir`, the working directory of a redis-server.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ReplyError, ERR } from '../errors.ts';
import type { ServerState } from '../core/state.ts';
import { strerror } from '../util/strerror.ts';

function aclPath(server: ServerState): string {
  return path.resolve(server.config.get('dir'), server.config.get('aclfile'));
}

/** ACLLoadFromFile: null when loaded, else the errors (Redis's text, without `ERR`). */
export function loadAclFile(server: ServerState): string | null {
  const name = server.config.get('aclfile');
  let text: string;
  try {
    text = fs.readFileSync(aclPath(server), 'latin1');
  } catch (e) {
    return `Error loading ACLs, opening file '${name}': ${strerror(e)}`;
  }
  const res = server.acl.loadFile(name, text);
  if ('errors' in res) return res.errors;
  // The users replaced are gone: so are the connections authenticated as them.
  const current = server.currentClient;
  for (const c of [...server.clients.values()]) {
    if (!res.dropped.includes(c.aclUser)) continue;
    c.aclUser = server.acl.defaultUser;
    c.authenticated = false;
    if (c === current) c.closeAfterReply = true;
    else server.killClient(c);
  }
  return null;
}

/** ACLSaveToFile: written to a temporary file then renamed over the ACL file. */
export function saveAclFile(server: ServerState): boolean {
  const file = aclPath(server);
  const tmp = `${file}.tmp-${process.pid}-${Date.now() & 0x7fffffff}`;
  let step = 'Opening temp ACL file for ACL SAVE';
  try {
    fs.writeFileSync(tmp, server.acl.fileText(), { encoding: 'latin1', mode: 0o644 });
    step = 'Renaming ACL file for ACL SAVE';
    fs.renameSync(tmp, file);
    return true;
  } catch (e) {
    server.log('warning', `${step}: ${strerror(e)}`);
    try {
      fs.unlinkSync(tmp);
    } catch {
      /* never created */
    }
    return false;
  }
}

/** ACL LOAD and ACL SAVE need an ACL file. */
export function requireAclFile(server: ServerState): void {
  if (server.config.get('aclfile') === '') throw new ReplyError(ERR.redisInstanceNot);
}
