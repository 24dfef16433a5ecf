/**
 * A redmoon server in a child process for robustness tests (a hang or crash must not take
 * the test runner with it). Prints `PORT <n>` once listening; logs go to stderr.
 */
import { startServer } from '../../src/index.ts';

const config: Record<string, string> = JSON.parse(process.argv[2] ?? '{}');
const s = await startServer({ port: 0, config, log: (line) => process.stderr.write(line + '\n') });
process.stdout.write(`PORT ${s.port}\n`);
