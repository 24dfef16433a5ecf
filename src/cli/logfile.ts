import fs from 'node:fs';

/**
 * Where a server's log lines go: stdout when `logfile` is empty, else appended to the file,
 * opened for each line as Redis does (so a rotated or deleted log file is simply recreated).
 * Throws when the file cannot be opened at start, as redis-server refuses to start then.
 */
export function logSink(logfile: string): (line: string) => void {
  if (logfile === '') return (line) => process.stdout.write(line + '\n');
  try {
    fs.appendFileSync(logfile, '');
  } catch (e) {
    throw new Error(`Can't open the log file: ${(e as Error).message}`);
  }
  return (line) => {
    try {
      fs.appendFileSync(logfile, line + '\n');
    } catch {
      /* a log line that cannot be written is dropped, never a crash */
    }
  };
}
