import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppConfig } from '../config/app-config';
import { ReplayRequest } from '../common/replay-request';
import type { SogsRequest } from '../common/request-context';
import { SogsError } from '../common/sogs-error';
import {
  alwaysDirect,
  decodePath,
  INVALID_PATH_ENCODING,
  ONION_PATHS,
  splitTarget,
} from '../common/paths';
import type { AuthService, SignedRequest } from './auth.service';
import { authFailures } from '../metrics/metrics';

const ONION_ONLY = new SogsError(
  403,
  'ONION_ONLY',
  'This server accepts onion requests only: direct HTTP access to the room API is disabled ' +
    '(the operator can enable it with TSOGS_DIRECT=1)',
);

/**
 * First step of every request, before routing (api.md §0): decides the transport, refuses
 * direct room-API requests unless enabled, and authenticates the X-SOGS-* headers — or, for a
 * /batch sub-request, takes the outer request's caller and ignores its own headers.
 */
/** Authenticates, counting refusals by reason for the metrics. */
async function authenticateCounted(auth: AuthService, request: SignedRequest) {
  try {
    return await auth.authenticate(request);
  } catch (err) {
    authFailures.inc({ reason: err instanceof SogsError ? err.code : 'error' });
    throw err;
  }
}

export function installPipelineHook(
  fastify: FastifyInstance,
  auth: AuthService,
  config: AppConfig,
) {
  // `done` rather than async: a /batch sub-request takes the fast path, with no promise at all.
  fastify.addHook('preHandler', (request: FastifyRequest, reply: FastifyReply, done) => {
    const req = request as SogsRequest;
    // Fastify runs this hook again when a route hands the request to the 404 handler (Nest
    // does for an empty path parameter): the first pass already decided everything.
    if (req.sogs) return done();
    const origin = request.raw instanceof ReplayRequest ? request.raw.origin : undefined;
    // A replayed response carries only the headers its route set (a file's Date is its own).
    if (origin) reply.raw.sendDate = false;
    if (origin?.inherited) {
      req.sogs = {
        transport: origin.transport,
        user: origin.inherited.user,
        batch: true,
        memo: origin.inherited.memo,
        batchDepth: origin.inherited.depth,
      };
      return done();
    }
    const transport = origin?.transport ?? 'direct';
    const { path: rawPath, query } = splitTarget(request.url);
    const path = decodePath(rawPath);
    if (path === null) throw SogsError.badRequest(INVALID_PATH_ENCODING);
    req.sogs = { transport, user: null };
    if (transport === 'direct') {
      if (ONION_PATHS.has(path)) return done(); // the outer onion request carries no identity
      if (!config.http.direct && !alwaysDirect(path)) throw ONION_ONLY;
    }
    // A replayed request is checked against what its client signed, not Fastify's rewrite.
    const body =
      origin?.sent.body ?? (Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0));
    authenticateCounted(auth, {
      headers: request.headers,
      method: request.method,
      path,
      query: origin?.sent.query ?? query,
      body,
    }).then((user) => {
      req.sogs.user = user;
      done();
    }, done);
  });
}
