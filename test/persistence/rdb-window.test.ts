/**
 * RDB files are read a window at a time (a file may be larger than V8's longest string or
 * than one Buffer): whatever the window size, and with records larger than the window, the
 * same keyspace loads, and truncation and a bad checksum are still caught.
 */
import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RawClient } from '../support/raw-client.ts';
import { Server } from '../../src/index.ts';
import { writeRdb } from '../../src/persistence/rdb-writer.ts';
import { bufferSource, fileSource, loadRdb, RdbLoadError } from '../../src/persistence/rdb-loader.ts';
import { call, datasetCommands, run } from './dataset.ts';

async function started(): Promise<{ server: Server; c: RawClient }> {
  // loadOnStart false: the test loads files itself (a dump.rdb another test left in the cwd must not load)
  const server = new Server({ port: 0, save: '', loadOnStart: false, log: () => {}, config: { 'enable-debug-command': 'yes' } });
  const addr = await server.listen();
  return { server, c: await RawClient.connect(addr.port) };
}

describe('RDB loading a window at a time', () => {
  it('loads the same keyspace with any window size, records larger than the window included', async () => {
    const src = await started();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redmoon-window-'));
    try {
      await run(src.c, datasetCommands());
      await run(src.c, [
        ['SET', 'huge', 'h'.repeat(300_000) + 'tail'],
        ['SET', 'incompressible', Array.from({ length: 5000 }, (_, i) => String.fromCharCode((i * 7919) % 256)).join('')],
        ['DEBUG', 'POPULATE', '2000'],
      ]);
      const digest = await call(src.c, 'DEBUG', 'DIGEST');
      const file = writeRdb(src.server);
      for (const windowBytes of [16, 1000, 65536, 1 << 20]) {
        const dst = await started();
        const r = loadRdb(dst.server, bufferSource(file), { windowBytes });
        expect(r.end).toBe(file.length);
        expect(await call(dst.c, 'DEBUG', 'DIGEST')).toBe(digest);
        dst.c.close();
        await dst.server.close();
      }
      // from a file descriptor, as startup reads it
      const p = path.join(dir, 'dump.rdb');
      fs.writeFileSync(p, file);
      const fd = fs.openSync(p, 'r');
      const dst = await started();
      try {
        loadRdb(dst.server, fileSource(fd, file.length), { windowBytes: 4096 });
        expect(await call(dst.c, 'DEBUG', 'DIGEST')).toBe(digest);
      } finally {
        fs.closeSync(fd);
        dst.c.close();
        await dst.server.close();
      }

      // a truncated file and a bad checksum are found whatever the window
      const cut = file.subarray(0, file.length - 5000);
      const bad = Buffer.from(file);
      bad[bad.length - 3] ^= 0xff;
      for (const [data, text] of [
        [cut, 'Short read or OOM loading DB. Unrecoverable error, aborting now.'],
        [bad, 'Wrong RDB checksum'],
      ] as const) {
        const dst2 = await started();
        let err: unknown = null;
        try {
          loadRdb(dst2.server, bufferSource(data), { windowBytes: 1000 });
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(RdbLoadError);
        expect((err as RdbLoadError).lines[0]).toContain(text);
        expect(await call(dst2.c, 'DBSIZE')).toBe(':0\r\n');
        dst2.c.close();
        await dst2.server.close();
      }
    } finally {
      src.c.close();
      await src.server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
