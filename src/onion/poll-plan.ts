import { decodePath, roomTokenSegment, splitTarget } from '../common/paths';
import { pathId } from '../common/request-params';
import { parsePollOptions } from '../messages/message-input';
import type { PlannedSince } from '../messages/message-reads.service';
import { ROOM_TOKEN } from '../rooms/room';
import { Dispatcher, type SubRequest } from './dispatcher';

const DM_SINCE = /^\/(inbox|outbox)\/since\/[^/]+$/;
const MESSAGES_SINCE = '/room/:token/messages/since/:seqno';

/**
 * What the sub-requests will look up: the valid room tokens their paths name (`/room/:token/…`),
 * as decoded, and how many of them read the caller's inbox or outbox since an id.
 */
export function lookups(subs: SubRequest[]): { tokens: string[]; dmReads: number } {
  const tokens: string[] = [];
  let dmReads = 0;
  for (const sub of subs) {
    const url = Dispatcher.normaliseTarget(sub.target);
    if (url === null) continue;
    const path = splitTarget(url).path;
    if (sub.method === 'GET' && DM_SINCE.test(path)) dmReads++;
    const segment = roomTokenSegment(path);
    const token = segment === null ? null : decodePath(segment);
    if (token !== null && ROOM_TOKEN.test(token)) tokens.push(token);
  }
  return { tokens, dmReads };
}

/**
 * The `messages/since` reads among the sub-requests, with the parameters and query their route
 * will see (`Dispatcher.match`); reads whose token or options are invalid are left to answer
 * for themselves.
 */
export function sinceReads(subs: SubRequest[], dispatcher: Dispatcher): PlannedSince[] {
  const out: PlannedSince[] = [];
  for (const sub of subs) {
    // Routing is the judge; the text test only spares it the sub-requests that cannot be reads
    // of news (a read it misses in an odd encoding makes its own query).
    if (sub.method !== 'GET' || !sub.target.includes('since')) continue;
    const found = dispatcher.match('GET', sub.target);
    if (found?.route.pattern !== MESSAGES_SINCE || !ROOM_TOKEN.test(found.params.token)) continue;
    try {
      const options = parsePollOptions(found.query);
      const after = pathId(found.params.seqno) ?? Number.MAX_SAFE_INTEGER;
      out.push({ token: found.params.token, after, options });
    } catch {
      continue;
    }
  }
  return out;
}
