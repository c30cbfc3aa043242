import { ADMIN_KEY_PREFIX } from '../api-keys/admin-api-keys.service';
import { DEFAULT_ADMIN_PAGE_SIZE, MAX_ADMIN_PAGE_SIZE } from '../shared/keyset-page';
import { MAX_REASON_LENGTH } from '../shared/admin-requests';

/**
 * The OpenAPI 3.1 description of the admin API, served at GET /admin/v1/openapi.json. Written by
 * hand with a few typed helpers (no generator dependency); a test checks that every route the
 * admin listener serves is described here and every described route is served.
 */

type Schema = Record<string, unknown>;

interface Operation {
  id: string;
  summary: string;
  description?: string;
  parameters?: Schema[];
  /** Mutating calls take {"reason": "..."}. */
  reasonBody?: boolean;
  /** Name of the response schema under components.schemas, or "text" for Prometheus' text format. */
  response: string;
  public?: boolean;
  errors: number[];
}

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const nullable = (type: string, extra: Schema = {}): Schema => ({ type: [type, 'null'], ...extra });
const dateTime = { type: 'string', format: 'date-time' };
const nullableDateTime = nullable('string', { format: 'date-time' });
const object = (properties: Record<string, Schema>, required = Object.keys(properties)): Schema => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false,
});
const page = (item: string): Schema =>
  object({
    items: { type: 'array', items: ref(item) },
    hasMore: { type: 'boolean' },
    nextCursor: { ...nullable('string'), description: 'Pass back as `cursor` for the next page.' },
  });

const query = (name: string, description: string, schema: Schema = { type: 'string' }): Schema => ({
  name,
  in: 'query',
  required: false,
  description,
  schema,
});
const path = (name: string, description: string): Schema => ({
  name,
  in: 'path',
  required: true,
  description,
  schema: { type: 'string' },
});
const paging = [
  query('cursor', 'The `nextCursor` of the previous page (same filters); omit for the first page.'),
  query('limit', `Page size, 1 to ${MAX_ADMIN_PAGE_SIZE}.`, {
    type: 'integer',
    minimum: 1,
    maximum: MAX_ADMIN_PAGE_SIZE,
    default: DEFAULT_ADMIN_PAGE_SIZE,
  }),
];

const ERRORS: Record<number, string> = {
  400: 'Invalid input (an unknown parameter, a bad filter or cursor, a missing or empty reason). Nothing changed.',
  401: `No admin API key, or one that is unknown or revoked. Only \`${ADMIN_KEY_PREFIX}…\` keys are accepted (never MCP access tokens).`,
  404: 'No such record.',
};

const OPERATIONS: Record<string, Partial<Record<'get' | 'post', Operation>>> = {
  '/admin/v1/sessions': {
    get: {
      id: 'listSessions',
      summary: 'List sessions (OAuth grants), newest first',
      description:
        'Filters combine with AND. Each session shows its user, organization, client, scopes, dates and status.',
      parameters: [
        query('email', "The user's email (case-insensitive)."),
        query('orgId', 'Organization id.', { type: 'string', format: 'uuid' }),
        query('clientId', 'OAuth client id.'),
        ...paging,
      ],
      response: 'SessionPage',
      errors: [400, 401],
    },
  },
  '/admin/v1/sessions/{grantId}/revoke': {
    post: {
      id: 'revokeSession',
      summary: 'End one session',
      description:
        "Every token of the session stops working on its next request, on every replica. Audited in the session's organization. Revoking an ended session changes nothing (`revoked: false`).",
      parameters: [path('grantId', 'The session (grant) id.')],
      reasonBody: true,
      response: 'RevokedSession',
      errors: [400, 401, 404],
    },
  },
  '/admin/v1/users/{email}/sessions/revoke': {
    post: {
      id: 'revokeUserSessions',
      summary: 'End every session of a user, in every organization',
      description: 'One audit entry per organization the user belongs to, listing the sessions ended there.',
      parameters: [path('email', "The user's email (percent-encoded).")],
      reasonBody: true,
      response: 'RevokedUserSessions',
      errors: [400, 401, 404],
    },
  },
  '/admin/v1/clients': {
    get: {
      id: 'listClients',
      summary: 'List OAuth clients, newest first',
      parameters: paging,
      response: 'ClientPage',
      errors: [400, 401],
    },
  },
  '/admin/v1/clients/{clientId}/disable': {
    post: {
      id: 'disableClient',
      summary: 'Disable an OAuth client',
      description:
        'Its tokens stop working on the next request, it can no longer obtain or refresh tokens, and /authorize refuses it. Audited once in every organization where it ever had a session; a client that never had one has no organization to audit in, and the action is recorded in the service log only.',
      parameters: [
        path('clientId', 'The client id (percent-encoded: a metadata-document client id is a URL).'),
      ],
      reasonBody: true,
      response: 'DisabledClient',
      errors: [400, 401, 404],
    },
  },
  '/admin/v1/audit': {
    get: {
      id: 'listAuditEntries',
      summary: 'Read the audit log, newest first',
      parameters: [
        query('orgId', 'Organization id.', { type: 'string', format: 'uuid' }),
        query('action', 'Exact action name, e.g. `admin.session.revoke` or `promise.record`.'),
        query('actor', '`user`, `admin` or `system`; or a user id or email; or an admin key id.'),
        query('from', 'Entries at or after this ISO-8601 instant.', { type: 'string', format: 'date-time' }),
        query('to', 'Entries before this ISO-8601 instant.', { type: 'string', format: 'date-time' }),
        ...paging,
      ],
      response: 'AuditPage',
      errors: [400, 401],
    },
  },
  '/metrics': {
    get: {
      id: 'metrics',
      summary: 'Prometheus metrics (text exposition format)',
      description:
        'HTTP request durations by route and status, MCP tool calls and durations, OAuth tokens issued and revoked, sign-in failures, database pool use, and the default Node.js metrics (event-loop lag, memory, GC). Readable without a key: the admin port is never public.',
      response: 'text',
      public: true,
      errors: [],
    },
  },
  '/admin/v1/openapi.json': {
    get: {
      id: 'openApiDocument',
      summary: 'This document',
      response: 'OpenApiDocument',
      public: true,
      errors: [],
    },
  },
};

const SCHEMAS: Record<string, Schema> = {
  Error: object(
    {
      error: { type: 'string', examples: ['invalid_argument', 'unauthorized', 'not_found'] },
      message: { type: 'string', description: 'A sentence saying what is wrong and what to do.' },
      details: { type: 'object' },
    },
    ['error', 'message'],
  ),
  ReasonBody: object({
    reason: {
      type: 'string',
      minLength: 1,
      maxLength: MAX_REASON_LENGTH,
      description: 'Why: written to the audit log with the admin key that acted.',
    },
  }),
  Session: object({
    id: { type: 'string', format: 'uuid' },
    status: { enum: ['active', 'revoked', 'expired', 'client_disabled', 'user_disabled'] },
    user: object({
      id: { type: 'string', format: 'uuid' },
      email: { type: 'string' },
      name: { type: 'string' },
    }),
    organization: object({ id: { type: 'string', format: 'uuid' }, name: { type: 'string' } }),
    client: object({
      id: { type: 'string' },
      name: { type: 'string' },
      kind: { enum: ['dynamic', 'metadata_document', 'static'] },
      disabled: { type: 'boolean' },
    }),
    scopes: { type: 'array', items: { type: 'string' } },
    createdAt: dateTime,
    lastUsedAt: nullableDateTime,
    expiresAt: dateTime,
    revokedAt: nullableDateTime,
    revokedReason: nullable('string'),
  }),
  SessionPage: page('Session'),
  RevokedSession: object({
    session: ref('Session'),
    revoked: { type: 'boolean', description: 'False when the session had already been revoked.' },
  }),
  RevokedUserSessions: object({
    user: object({ id: { type: 'string', format: 'uuid' }, email: { type: 'string' } }),
    revoked: { type: 'integer', minimum: 0 },
    organizations: {
      type: 'array',
      items: object({
        id: { type: 'string', format: 'uuid' },
        revokedSessionIds: { type: 'array', items: { type: 'string', format: 'uuid' } },
      }),
    },
  }),
  Client: object({
    id: { type: 'string' },
    kind: { enum: ['dynamic', 'metadata_document', 'static'] },
    name: { type: 'string' },
    redirectHosts: { type: 'array', items: { type: 'string' } },
    disabled: { type: 'boolean' },
    disabledAt: nullableDateTime,
    createdAt: dateTime,
    liveSessions: { type: 'integer', minimum: 0 },
  }),
  ClientPage: page('Client'),
  DisabledClient: object({
    client: ref('Client'),
    disabled: { type: 'boolean', description: 'False when the client was already disabled.' },
    auditedOrganizations: { type: 'array', items: { type: 'string', format: 'uuid' } },
  }),
  AuditEntry: object({
    id: { type: 'string', format: 'uuid' },
    createdAt: dateTime,
    organization: object({ id: { type: 'string', format: 'uuid' }, name: { type: 'string' } }),
    actorType: { enum: ['user', 'admin', 'system'] },
    actorUserId: nullable('string'),
    actorEmail: nullable('string'),
    clientId: nullable('string'),
    action: { type: 'string' },
    targetType: { type: 'string' },
    targetId: nullable('string'),
    reason: nullable('string'),
    details: {
      type: 'object',
      description: 'For admin actions: adminKeyId, adminKeyName, via (api or cli), reason, and what changed.',
    },
  }),
  AuditPage: page('AuditEntry'),
  OpenApiDocument: { type: 'object', description: 'An OpenAPI 3.1 document.' },
};

function operation(op: Operation): Schema {
  const content =
    op.response === 'text'
      ? { 'text/plain': { schema: { type: 'string' } } }
      : { 'application/json': { schema: ref(op.response) } };
  const responses: Record<string, Schema> = { '200': { description: 'OK', content } };
  for (const status of op.errors) {
    responses[String(status)] = {
      description: ERRORS[status],
      content: { 'application/json': { schema: ref('Error') } },
    };
  }
  return {
    operationId: op.id,
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    ...(op.parameters ? { parameters: op.parameters } : {}),
    ...(op.reasonBody
      ? { requestBody: { required: true, content: { 'application/json': { schema: ref('ReasonBody') } } } }
      : {}),
    ...(op.public ? { security: [] } : {}),
    responses,
  };
}

export function adminOpenApiDocument(version: string): Schema {
  const paths: Record<string, Schema> = {};
  for (const [route, methods] of Object.entries(OPERATIONS)) {
    const item: Schema = {};
    for (const method of ['get', 'post'] as const) {
      const op = methods[method];
      if (op) item[method] = operation(op);
    }
    paths[route] = item;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tesorio MCP admin API',
      version,
      description:
        'Support-staff API on the admin listener (ADMIN_HOST:ADMIN_PORT), never routed by the public ingress. ' +
        `Authenticate with an admin API key created by \`tesorio-mcp admin-key create\`: \`Authorization: Bearer ${ADMIN_KEY_PREFIX}…\`. ` +
        'Every mutating call requires {"reason": "..."} and is written to the audit log with the key that acted.',
    },
    security: [{ adminKey: [] }],
    paths,
    components: {
      securitySchemes: {
        adminKey: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: `${ADMIN_KEY_PREFIX}<43 base64url characters>`,
          description: 'An admin API key (created, listed and revoked with the tesorio-mcp CLI).',
        },
      },
      schemas: SCHEMAS,
    },
  };
}
