/**
 * Tests that need replication (a replica, REPLICAOF, or the replication stream through
 * attach_to_replication_stream), which redmoon leaves out. Redis 7.0.15 tags most of them
 * `repl` or `needs:repl`, not all: the rest are found by reading each test's body, and are
 * skipped by name for real Redis and redmoon alike, so that counts stay comparable.
 */
import fs from 'node:fs';
import path from 'node:path';

const HEADER = /^\s*test\s+(\{([^}]*)\}|"([^"]*)")/;
const NEEDS_REPLICATION = /attach_to_replication_stream|wait_for_sync|wait_for_ofs_sync|(?<!-)\b(slaveof|replicaof)\s+(\$|\[|no one|localhost|localhsot|127\.)/i;

/** A runtest --skiptest pattern for a test name: itself, or a regexp when it substitutes variables. */
function skipPattern(name: string): string {
  if (!/[$[\\]/.test(name)) return name;
  const parts = name.split(/\$\{?[A-Za-z_:]+\}?|\[[^\]]*\]/);
  return '/^' + parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$';
}

/** Tests whose name is only a variable, set by a helper proc's callers (unit/maxmemory). */
const BY_CALLER: Record<string, string[]> = {
  'unit/maxmemory': ['slave buffer are counted correctly', "replica buffer don't induce eviction"],
};

/** The text of a test's body: from its header line to the line where its braces balance. */
function testBody(lines: string[], from: number): string {
  let depth = 0;
  let opened = false;
  const body: string[] = [];
  for (let i = from; i < lines.length; i++) {
    body.push(lines[i]);
    for (let k = 0; k < lines[i].length; k++) {
      const ch = lines[i][k];
      if (ch === '\\') k++;
      else if (ch === '{') {
        depth++;
        opened = true;
      } else if (ch === '}') depth--;
    }
    // the name's own braces open and close on the header line: the body starts after them
    if (opened && depth <= 0 && i > from) break;
  }
  return body.join('\n');
}

/** --skiptest patterns for the tests of one file (e.g. unit/type/list) that need replication. */
export function replicationTests(dir: string, file: string): string[] {
  const p = path.join(dir, 'tests', `${file}.tcl`);
  if (!fs.existsSync(p)) return [];
  const lines = fs.readFileSync(p, 'latin1').split('\n');
  const out: string[] = [...(BY_CALLER[file] ?? [])];
  for (let i = 0; i < lines.length; i++) {
    const m = HEADER.exec(lines[i]);
    if (!m) continue;
    const name = m[2] ?? m[3];
    if (/^\$[A-Za-z_]+$/.test(name)) continue;
    if (NEEDS_REPLICATION.test(testBody(lines, i))) {
      const pat = skipPattern(name);
      if (!out.includes(pat)) out.push(pat);
    }
  }
  return out;
}
