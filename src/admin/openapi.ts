/**
 * The OpenAPI 3.1 document of the admin REST API, served at `GET /openapi.json`. Written by
 * hand (the controllers' TSDoc and DTOs are the source); test/e2e/admin.e2e-spec.ts checks that
 * every route of the app is described here.
 */

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object) => ({ content: { 'application/json': { schema } } });
const ok = (description: string, schema: object) => ({ description, ...json(schema) });
const error = (description: string) => ({ description, ...json(ref('Error')) });
const noContent = { description: 'Done; no body' };
const bool = { type: 'boolean' };
const nullableBool = { type: ['boolean', 'null'] };

const token = {
  name: 'token',
  in: 'path',
  required: true,
  description: 'Room token (case-insensitive)',
  schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' },
};
const sessionId = {
  name: 'sessionId',
  in: 'path',
  required: true,
  description:
    'Session ID (05…) or blinded ID (15…). A 05 ID acts on its blinded ID when known, and ' +
    'otherwise follows the person to it when they first appear.',
  schema: { type: 'string', pattern: '^[01]5[0-9a-fA-F]{64}$' },
};
const messageId = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'Message id',
  schema: { type: 'integer', minimum: 1 },
};

const E400 = error('Invalid input (INVALID_INPUT, INVALID_SESSION_ID)');
const E401 = error('Missing or invalid admin token (AUTH_REQUIRED, INVALID_TOKEN)');
const E403 = error('Refused by the moderation rules (PERMISSION_DENIED)');
const E404room = error('No such room (ROOM_NOT_FOUND)');

const defaults = {
  default_read: bool,
  default_accessible: bool,
  default_write: bool,
  default_upload: bool,
};

const schemas = {
  Error: {
    type: 'object',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message'],
        properties: {
          code: { type: 'string', examples: ['ROOM_NOT_FOUND'] },
          message: { type: 'string', examples: ['No such room: lokinet'] },
        },
      },
    },
  },
  Room: {
    type: 'object',
    properties: {
      token: { type: 'string' },
      name: { type: 'string' },
      description: { type: ['string', 'null'] },
      image_id: { type: ['integer', 'null'] },
      created: { type: 'number', description: 'Unix time, seconds' },
      info_updates: { type: 'integer' },
      message_sequence: { type: 'integer' },
      active_users: { type: 'integer' },
      ...defaults,
      join_url: { type: 'string' },
      stats: {
        type: 'object',
        properties: {
          messages: { type: 'integer' },
          message_bytes: { type: 'integer' },
          files: { type: 'integer' },
          file_bytes: { type: 'integer' },
          reactions: { type: 'integer' },
          active_users: {
            type: 'object',
            properties: {
              day: { type: 'integer' },
              week: { type: 'integer' },
              fortnight: { type: 'integer' },
              month: { type: 'integer' },
            },
          },
        },
      },
    },
  },
  CreateRoom: {
    type: 'object',
    required: ['token', 'name'],
    additionalProperties: false,
    properties: {
      token: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' },
      name: { type: 'string', minLength: 1, maxLength: 1000 },
      description: { type: ['string', 'null'], maxLength: 10000 },
      ...defaults,
    },
  },
  UpdateRoom: {
    type: 'object',
    additionalProperties: false,
    minProperties: 1,
    properties: {
      name: { type: 'string', minLength: 1, maxLength: 1000 },
      description: {
        type: ['string', 'null'],
        maxLength: 10000,
        description: 'null or empty removes it',
      },
      image: { type: 'integer', minimum: 1, description: 'A live upload of this room' },
      ...defaults,
    },
  },
  Moderator: {
    type: 'object',
    properties: { session_id: { type: 'string' }, admin: bool, visible: bool },
  },
  SetModerator: {
    type: 'object',
    additionalProperties: false,
    properties: {
      admin: { type: 'boolean', default: false },
      visible: {
        type: 'boolean',
        description: 'Default: true for a room role, false for a global one',
      },
    },
  },
  InfoUpdates: {
    type: 'object',
    properties: {
      info_updates: {
        type: 'object',
        additionalProperties: { type: 'integer' },
        description: 'Room token to its new info_updates',
      },
    },
  },
  Ban: {
    type: 'object',
    additionalProperties: false,
    properties: {
      timeout: {
        type: ['number', 'null'],
        exclusiveMinimum: 0,
        description: 'Seconds until the ban lifts; absent or null: permanent',
      },
    },
  },
  BanResult: {
    type: 'object',
    properties: { banned: { const: true }, timeout: { type: ['number', 'null'] } },
  },
  Permissions: {
    type: 'object',
    description:
      'Explicit settings only: permissions set, banned, moderator or admin, hidden (a hidden role)',
    additionalProperties: { type: 'boolean' },
  },
  SetPermissions: {
    type: 'object',
    additionalProperties: false,
    minProperties: 1,
    description: 'true grants, false denies, null clears (room default); absent: unchanged',
    properties: {
      read: nullableBool,
      accessible: nullableBool,
      write: nullableBool,
      upload: nullableBool,
    },
  },
  Stats: {
    type: 'object',
    properties: {
      rooms: { type: 'integer' },
      users: { type: 'integer' },
      messages: { type: 'integer', description: 'Live messages (not deleted or filtered)' },
      files: { type: 'integer' },
      file_bytes: { type: 'integer' },
      active_users: {
        type: 'object',
        description: 'Distinct users active in any room within a day, week, month',
        properties: {
          day: { type: 'integer' },
          week: { type: 'integer' },
          month: { type: 'integer' },
        },
      },
    },
  },
  AuditEntry: {
    type: 'object',
    properties: {
      id: { type: 'integer' },
      at: { type: 'number' },
      action: {
        type: 'string',
        examples: ['ban', 'unban', 'room_role', 'global_role', 'delete_message', 'room_create'],
      },
      actor: {
        type: ['string', 'null'],
        description: 'Session ID, or "system" for the admin API and the CLI',
      },
      room: { type: ['string', 'null'] },
      target: { type: ['string', 'null'] },
      details: { type: 'object' },
    },
  },
};

const room = [token];
const roomUser = [token, sessionId];
const roomMessage = [token, messageId];

export const ADMIN_OPENAPI = {
  openapi: '3.1.0',
  info: {
    title: 'tsogs admin API',
    version: '1',
    description:
      'Operator API of a tsogs Session Community server, served only on its own listener ' +
      '(a unix socket in the data directory, optionally 127.0.0.1:TSOGS_ADMIN_PORT). Tokens ' +
      'come from `tsogs admin-token create NAME`. Changes apply to the public API at once.',
  },
  security: [{ bearer: [] }],
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    schemas,
  },
  paths: {
    '/rooms': {
      get: {
        summary: 'List rooms with their stats',
        responses: { 200: ok('Rooms by token', { type: 'array', items: ref('Room') }), 401: E401 },
      },
      post: {
        summary: 'Create a room',
        requestBody: { required: true, ...json(ref('CreateRoom')) },
        responses: {
          201: ok('The room', ref('Room')),
          400: E400,
          401: E401,
          409: error('Token taken (ROOM_EXISTS)'),
        },
      },
    },
    '/rooms/{token}': {
      parameters: room,
      get: {
        summary: 'A room with its stats',
        responses: { 200: ok('The room', ref('Room')), 401: E401, 404: E404room },
      },
      patch: {
        summary: 'Change name, description, image or default permissions',
        requestBody: { required: true, ...json(ref('UpdateRoom')) },
        responses: {
          200: ok('The room', ref('Room')),
          400: E400,
          401: E401,
          404: E404room,
          406: error('The image is not a live upload of the room (NO_SUCH_FILE)'),
        },
      },
      delete: {
        summary: 'Delete a room and its messages',
        responses: { 204: noContent, 401: E401, 404: E404room },
      },
    },
    '/rooms/{token}/moderators': {
      parameters: room,
      get: {
        summary: "The room's own moderators and admins (hidden ones included)",
        responses: {
          200: ok('Sorted by Session ID', { type: 'array', items: ref('Moderator') }),
          401: E401,
          404: E404room,
        },
      },
    },
    '/rooms/{token}/moderators/{sessionId}': {
      parameters: roomUser,
      put: {
        summary: 'Make the user a moderator or admin of the room',
        requestBody: { required: false, ...json(ref('SetModerator')) },
        responses: { 200: ok('Done', ref('InfoUpdates')), 400: E400, 401: E401, 404: E404room },
      },
      delete: {
        summary: 'Remove the room role',
        responses: { 204: noContent, 400: E400, 401: E401, 404: E404room },
      },
    },
    '/moderators': {
      get: {
        summary: 'Global moderators and admins (hidden ones included)',
        responses: { 200: ok('Sorted by Session ID', { type: 'array', items: ref('Moderator') }) },
      },
    },
    '/moderators/{sessionId}': {
      parameters: [sessionId],
      put: {
        summary: 'Make the user a global moderator or admin',
        requestBody: { required: false, ...json(ref('SetModerator')) },
        responses: { 200: ok('Done', ref('InfoUpdates')), 400: E400, 401: E401 },
      },
      delete: {
        summary: 'Remove the global role',
        responses: { 204: noContent, 400: E400, 401: E401 },
      },
    },
    '/rooms/{token}/bans/{sessionId}': {
      parameters: roomUser,
      put: {
        summary: 'Ban the user from the room, optionally for a time',
        requestBody: { required: false, ...json(ref('Ban')) },
        responses: {
          200: ok('Banned', ref('BanResult')),
          400: E400,
          401: E401,
          403: E403,
          404: E404room,
        },
      },
      delete: {
        summary: 'Lift the room ban',
        responses: { 204: noContent, 400: E400, 401: E401, 404: E404room },
      },
    },
    '/bans/{sessionId}': {
      parameters: [sessionId],
      put: {
        summary: 'Ban the user server-wide, optionally for a time',
        requestBody: { required: false, ...json(ref('Ban')) },
        responses: { 200: ok('Banned', ref('BanResult')), 400: E400, 401: E401, 403: E403 },
      },
      delete: {
        summary: 'Lift the server-wide ban',
        responses: { 204: noContent, 400: E400, 401: E401 },
      },
    },
    '/rooms/{token}/permissions/{sessionId}': {
      parameters: roomUser,
      get: {
        summary: "The user's explicit settings in the room",
        responses: { 200: ok('Settings', ref('Permissions')), 400: E400, 401: E401, 404: E404room },
      },
      put: {
        summary: 'Set or clear permission overrides',
        requestBody: { required: true, ...json(ref('SetPermissions')) },
        responses: {
          200: ok('The resulting settings', ref('Permissions')),
          400: E400,
          401: E401,
          404: E404room,
        },
      },
    },
    '/rooms/{token}/messages/{id}': {
      parameters: roomMessage,
      delete: {
        summary: 'Delete a message',
        responses: {
          204: noContent,
          400: E400,
          401: E401,
          404: error('No such room (ROOM_NOT_FOUND) or live message (NOT_FOUND)'),
        },
      },
    },
    '/rooms/{token}/users/{sessionId}/messages': {
      parameters: roomUser,
      delete: {
        summary: "Delete all the user's messages in the room; their uploads there expire",
        responses: {
          204: noContent,
          400: E400,
          401: E401,
          404: error('No such room, unknown user, or nothing to delete'),
        },
      },
    },
    '/rooms/{token}/pins/{id}': {
      parameters: roomMessage,
      put: {
        summary: 'Pin a message',
        responses: {
          200: ok('Pinned', { type: 'object', properties: { info_updates: { type: 'integer' } } }),
          400: E400,
          401: E401,
          404: error('No such room (ROOM_NOT_FOUND) or live message (NOT_FOUND)'),
        },
      },
      delete: {
        summary: 'Unpin a message',
        responses: {
          204: noContent,
          400: E400,
          401: E401,
          404: error('No such room (ROOM_NOT_FOUND), or not pinned (PIN_NOT_FOUND)'),
        },
      },
    },
    '/stats': {
      get: {
        summary: 'Server statistics',
        responses: { 200: ok('Counts', ref('Stats')), 401: E401 },
      },
    },
    '/metrics': {
      get: {
        summary: 'Prometheus metrics (text exposition format)',
        responses: {
          200: {
            description: 'Metrics',
            content: { 'text/plain': { schema: { type: 'string' } } },
          },
          401: E401,
        },
      },
    },
    '/audit': {
      get: {
        summary: 'The moderation audit log, newest first',
        parameters: [
          {
            name: 'limit',
            in: 'query',
            schema: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
          },
          {
            name: 'before',
            in: 'query',
            description: 'Only entries with a smaller id (the last id of the previous page)',
            schema: { type: 'integer', minimum: 1 },
          },
        ],
        responses: {
          200: ok('Entries', { type: 'array', items: ref('AuditEntry') }),
          400: E400,
          401: E401,
        },
      },
    },
    '/openapi.json': {
      get: {
        summary: 'This document',
        security: [],
        responses: { 200: ok('OpenAPI 3.1', { type: 'object' }) },
      },
    },
  },
};
