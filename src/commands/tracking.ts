import { ReplyError, ERR } from '../errors.ts';
import type { Client } from '../core/client.ts';
import type { ReplySink } from '../resp/sink.ts';
import type { HandlerTable } from '../core/types.ts';
import type { TrackingState } from '../core/tracking.ts';
import { is } from './args.ts';
import { parseInt64 } from '../util/numbers.ts';

/** Two prefixes collide when one starts with the other. */
function overlaps(a: string, b: string): boolean {
  return a.length <= b.length ? b.startsWith(a) : a.startsWith(b);
}

// CLIENT TRACKING ON|OFF [REDIRECT id] [PREFIX p ...] [BCAST] [OPTIN] [OPTOUT] [NOLOOP]
function clientTracking(c: Client, argv: string[], out: ReplySink): void {
  let redirect = 0;
  let bcast = false;
  let optin = false;
  let optout = false;
  let noloop = false;
  const prefixes: string[] = [];
  for (let j = 3; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const opt = argv[j];
    if (is(opt, 'redirect') && more > 0) {
      j++;
      if (redirect !== 0) throw new ReplyError(ERR.clientOnlyRedirect);
      const id = parseInt64(argv[j]);
      if (id === null) throw new ReplyError(ERR.notInteger);
      redirect = Number(id);
      if (!c.server.clients.has(redirect)) throw new ReplyError(ERR.clientIdWant);
    } else if (is(opt, 'bcast')) {
      bcast = true;
    } else if (is(opt, 'optin')) {
      optin = true;
    } else if (is(opt, 'optout')) {
      optout = true;
    } else if (is(opt, 'noloop')) {
      noloop = true;
    } else if (is(opt, 'prefix') && more > 0) {
      j++;
      prefixes.push(argv[j]);
    } else {
      throw new ReplyError(ERR.syntax);
    }
  }
  const tracking = c.server.tracking;
  const st = c.tracking;
  if (is(argv[2], 'on')) {
    if (!bcast && prefixes.length !== 0) throw new ReplyError(ERR.prefixOptionRequires);
    if (st !== null && st.bcast !== bcast) {
      throw new ReplyError(
        ERR.cantSwitchBcast,
      );
    }
    if (bcast && (optin || optout)) throw new ReplyError(ERR.optinOptoutNot);
    if (optin && optout) throw new ReplyError(ERR.cantSpecifyBoth);
    if (st !== null && ((optin && st.optout) || (optout && st.optin))) {
      throw new ReplyError(
        ERR.cantSwitchOptin,
      );
    }
    if (bcast) {
      for (let i = 0; i < prefixes.length; i++) {
        for (const existing of st?.prefixes ?? []) {
          if (overlaps(existing, prefixes[i])) {
            throw new ReplyError(
              ERR.prefixOverlapsExisting(prefixes[i], existing),
            );
          }
        }
        for (let j = i + 1; j < prefixes.length; j++) {
          if (overlaps(prefixes[i], prefixes[j])) {
            throw new ReplyError(
              ERR.prefixOverlapsAnother(prefixes[i], prefixes[j]),
            );
          }
        }
      }
    }
    tracking.enable(c, redirect, bcast, optin, optout, noloop, prefixes);
  } else if (is(argv[2], 'off')) {
    tracking.disable(c);
  } else {
    throw new ReplyError(ERR.syntax);
  }
  out.simple('OK');
}

// CLIENT CACHING YES|NO
function clientCaching(c: Client, argv: string[], out: ReplySink): void {
  const st = c.tracking;
  if (st === null) {
    throw new ReplyError(
      ERR.clientCachingCalled,
    );
  }
  if (is(argv[2], 'yes')) {
    if (!st.optin) throw new ReplyError(ERR.clientCachingYes);
  } else if (is(argv[2], 'no')) {
    if (!st.optout) throw new ReplyError(ERR.clientCachingNo);
  } else {
    throw new ReplyError(ERR.syntax);
  }
  st.caching = true;
  out.simple('OK');
}

// CLIENT GETREDIR
function clientGetredir(c: Client, _argv: string[], out: ReplySink): void {
  const st = c.tracking;
  out.integer(st === null ? -1 : st.redirect);
}

// CLIENT TRACKINGINFO
function clientTrackinginfo(c: Client, _argv: string[], out: ReplySink): void {
  const st = c.tracking;
  const flags: string[] = [st !== null ? 'on' : 'off'];
  if (st !== null) {
    if (st.bcast) flags.push('bcast');
    if (st.optin) {
      flags.push('optin');
      if (st.caching) flags.push('caching-yes');
    }
    if (st.optout) {
      flags.push('optout');
      if (st.caching) flags.push('caching-no');
    }
    if (st.noloop) flags.push('noloop');
    if (st.brokenRedir) flags.push('broken_redirect');
  }
  out.map(3);
  out.bulk('flags');
  out.set(flags.length);
  for (const f of flags) out.bulk(f);
  out.bulk('redirect');
  out.integer(st === null ? -1 : st.redirect);
  out.bulk('prefixes');
  const prefixes = st?.prefixes ?? [];
  out.array(prefixes.length);
  for (const p of prefixes) out.bulk(p);
}

export const commands: HandlerTable = {
  'client|tracking': clientTracking,
  'client|caching': clientCaching,
  'client|getredir': clientGetredir,
  'client|trackinginfo': clientTrackinginfo,
};
