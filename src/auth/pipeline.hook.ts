import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppConfig } from '../config/app-config';
import type { ReplayedRequest } from '../common/pipeline-context';
import { ReplayRequest } from '../common/replay-request';
import type { SogsRequest, SogsRequestState } from '../common/request-context';
import { SogsError } from '../common/sogs-error';
import {
  alwaysDirect,
  decodePath,
  INVALID_PATH_ENCODING,
  ONION_PATHS,
  splitTarget,
} from '../common/paths';
import type { User } from '../users/user';
import type { AuthService, SignedRequest } from './auth.service';
import { authFailures } from '../metrics/metrics';

const ONION_ONLY = new SogsError(
  403,
  'ONION_ONLY',
  'This server accepts onion requests only: direct HTTP access to the room API is disabled ' +
    '(the operator can enable it with TSOGS_DIRECT=1)',
);

/** Authenticates, counting refusals by reason for the metrics. */
async function authenticateCounted(auth: AuthService, request: SignedRequest) {
  try {
    return await auth.authenticate(request);
  } catch (err) {
    authFailures.inc({ reason: err instanceof SogsError ? err.code : 'error' });
    throw err;
  }
}

/** A request as the pipeline's first step sees it. */
export interface PipelineInput {
  method: string;
  /** As routed: path and optional `?query`. */
  url: string;
  headers: SignedRequest['headers'];
  /** The body as read (undefined when none was). */
  body: unknown;
  /** Set for a request the server replays (onion, /batch, /sequence); absent for the network. */
  origin?: ReplayedRequest;
}

/**
 * First step of every request, before routing (api.md §0): decides the transport, refuses
 * direct room-API requests unless enabled, and authenticates the X-SOGS-* headers — or, for a
 * /batch sub-request, takes the outer request's caller and ignores its own headers. Throws the
 * refusals it can make at once; `caller` settles with the authenticated user (or rejects).
 */
export function startPipeline(
  auth: AuthService,
  config: AppConfig,
  input: PipelineInput,
): { state: SogsRequestState; caller?: Promise<User | null> } {
  const { origin } = input;
  if (origin?.inherited) {
    const { user, memo, depth } = origin.inherited;
    return {
      state: { transport: origin.transport, user, batch: true, memo, batchDepth: depth },
    };
  }
  const transport = origin?.transport ?? 'direct';
  const { path: rawPath, query } = splitTarget(input.url);
  const path = decodePath(rawPath);
  if (path === null) throw SogsError.badRequest(INVALID_PATH_ENCODING);
  const state: SogsRequestState = { transport, user: null };
  if (transport === 'direct') {
    if (ONION_PATHS.has(path)) return { state }; // the outer onion request carries no identity
    if (!config.http.direct && !alwaysDirect(path)) throw ONION_ONLY;
  }
  // A replayed request is checked against what its client signed, not Fastify's rewrite.
  const body = origin?.sent.body ?? (Buffer.isBuffer(input.body) ? input.body : Buffer.alloc(0));
  const caller = authenticateCounted(auth, {
    headers: input.headers,
    method: input.method,
    path,
    query: origin?.sent.query ?? query,
    body,
  });
  return { state, caller };
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
    const { state, caller } = startPipeline(auth, config, {
      method: request.method,
      url: request.url,
      headers: request.headers,
      body: request.body,
      origin,
    });
    req.sogs = state;
    if (!caller) return done();
    caller.then((user) => {
      state.user = user;
      done();
    }, done);
  });
}
