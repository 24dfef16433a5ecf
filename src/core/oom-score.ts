/**
 * oom-score-adj: Redis's setOOMScoreAdj. While enabled, the process's
 * /proc/self/oom_score_adj is the master class's value of `oom-score-adj-values` (relative:
 * added to the score the process had before, clamped to -1000..1000; absolute: as is); when
 * disabled again, the score it had before comes back. A server is always of the master class.
 */
import fs from 'node:fs';
import type { Config } from './config.ts';
import { strerror } from '../util/strerror.ts';

const FILE = '/proc/self/oom_score_adj';

export class OomScoreAdj {
  /** The score before redmoon changed it, while it is changed. */
  private base: number | null = null;

  constructor(
    private readonly config: Config,
    private readonly log: (msg: string) => void,
  ) {
    config.watch('oom-score-adj', () => this.apply());
    config.watch('oom-score-adj-values', () => this.apply());
  }

  /** Writes the score the config asks for; false (logged) when /proc cannot be read or written. */
  apply(): boolean {
    const mode = this.config.get('oom-score-adj');
    let val: number;
    if (mode !== 'no') {
      if (this.base === null) {
        try {
          this.base = parseInt(fs.readFileSync(FILE, 'latin1'), 10) || 0;
        } catch (e) {
          this.log(`Unable to read oom_score_adj: ${strerror(e)}`);
          return false;
        }
      }
      val = Number(this.config.get('oom-score-adj-values').split(' ')[0]);
      if (mode !== 'absolute') val += this.base;
      val = Math.max(-1000, Math.min(1000, val));
    } else if (this.base !== null) {
      val = this.base;
      this.base = null;
    } else {
      return true;
    }
    try {
      fs.writeFileSync(FILE, `${val}\n`);
      return true;
    } catch (e) {
      this.log(`Unable to write oom_score_adj: ${strerror(e)}`);
      return false;
    }
  }
}
