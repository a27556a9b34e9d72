/**
 * The HTTP surface: one Fastify instance over the services of composition.ts, with the plugins,
 * the three scopes (public, /api, /v1) and the not-found handler. Closing it closes the services.
 */
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import fastifyStatic from '@fastify/static'
import fastifySwagger from '@fastify/swagger'
import fastifySwaggerUi from '@fastify/swagger-ui'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { Ajv } from 'ajv'
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify'
import type { Logger } from 'pino'
import { adminRoutes } from './api/admin/admin.js'
import { backupRoutes } from './api/admin/backup.js'
import { keyRoutes } from './api/admin/keys.js'
import { metricsRoutes } from './api/admin/metrics.js'
import { modelRouteRoutes } from './api/admin/model-routes.js'
import { playgroundRoutes } from './api/admin/playground.js'
import { priceRoutes } from './api/admin/prices.js'
import { providerHealthRoutes } from './api/admin/provider-health.js'
import { providerRoutes } from './api/admin/providers.js'
import { requestRoutes } from './api/admin/requests.js'
import { Problem } from './api/admin/schemas.js'
import { usageRoutes } from './api/admin/usage.js'
import { gatewayRoutes } from './api/gateway/v1.js'
import { type ClientKeyVerifier, registerAuth, requireCredential } from './api/plugins/auth.js'
import { registerBodyGuard } from './api/plugins/body-guard.js'
import { registerErrorHandling } from './api/plugins/errors.js'
import { registerHostCheck } from './api/plugins/host-check.js'
import { answerUnroutable, registerNotFound } from './api/plugins/not-found.js'
import { openApiNames } from './api/plugins/openapi-names.js'
import { generateRequestId } from './api/plugins/request-id.js'
import { registerRequestLogging } from './api/plugins/request-logging.js'
import { serializersOnFirstUse, validatorOnFirstUse } from './api/plugins/schema-compilers.js'
import { registerSecurityHeaders, skipSecurityHeaders } from './api/plugins/security-headers.js'
import { type Core, createCore } from './composition.js'
import { AppError } from './core/errors.js'
import { createLogger, logSinkOf } from './core/logger.js'
import { repoRoot, type Settings } from './settings.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The services behind the HTTP surface; tests and main.ts reach them through here. */
    core: Core
  }
}

export interface BuildOptions {
  /** A logger to use instead of the one built from the settings (tests pass a silent one). */
  logger?: Logger
  /** The built UI to serve (default frontend/dist; tests pass a folder of their own). */
  uiDir?: string
  /** The clock of the client-key limits (tests drive it). */
  now?: () => number
  /** The session affinity clock (ms): tests drive it to expire bindings. */
  clock?: () => number
}

/**
 * Node's http server options that bound how long a client may take to *send* a request (issue 11,
 * item 8): the headers within BACKEND_HEADERS_TIMEOUT_SECONDS of the request's first byte (or of
 * the connection's opening), headers and body within BACKEND_REQUEST_BODY_TIMEOUT_SECONDS; a
 * late one gets 408 and its connection is closed. Node measures both only until the request has
 * been received, so an answer (a gateway stream) may last as long as it needs. Node checks them
 * every `connectionsCheckingInterval` (30 s by default, which let slow clients stay 90 s); once a
 * second is cheap (a walk over the open connections). No socket inactivity timeout
 * (`connectionTimeout`): it would also cut a stream that is silent while a model thinks.
 */
function serverTimeouts(settings: Settings) {
  const headersTimeout = Math.round(settings.headersTimeoutSeconds * 1000)
  const requestTimeout = Math.round(settings.requestBodyTimeoutSeconds * 1000)
  return {
    headersTimeout,
    requestTimeout,
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.round(headersTimeout / 4))),
  }
}

function createValidators() {
  // Bodies are checked strictly (a string is not an integer, unknown fields are refused);
  // params and query strings arrive as text and are coerced.
  const strict = new Ajv({
    allErrors: true,
    coerceTypes: false,
    removeAdditional: false,
    useDefaults: true,
    strict: false,
  })
  const coercing = new Ajv({
    allErrors: true,
    coerceTypes: true,
    removeAdditional: false,
    useDefaults: true,
    strict: false,
  })
  for (const ajv of [strict, coercing]) ajv.addKeyword('kind').addKeyword('modifier')
  return { strict, coercing }
}

export async function buildApp(settings: Settings, options: BuildOptions = {}): Promise<FastifyInstance> {
  const log = options.logger ?? createLogger(settings)
  const core = await createCore(settings, log, {
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.now ? { now: options.now } : {}),
  })
  // The server (not the CLI, whose commands write the file or not as they say) starts from a backup
  // that matches the database. A failure to compare does not stop the server: it is logged.
  await core.backup
    .reconcile()
    .catch((error: unknown) =>
      log.error({ err: error }, 'could not compare the backup file with the database'),
    )
  const app = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    genReqId: generateRequestId,
    // request lines are written by api/plugins/request-logging.ts
    logController: new LogController({ requestIdLogLabel: 'request_id', disableRequestLogging: true }),
    bodyLimit: settings.apiBodyLimitBytes,
    trustProxy: false,
    http: serverTimeouts(settings),
    // Fastify sets the server's requestTimeout from its own option (default 0: none), after creating it.
    requestTimeout: serverTimeouts(settings).requestTimeout,
    // Requests that reach a closing server get our 503 (problem document / OpenAI shape) below.
    return503OnClosing: false,
    frameworkErrors: answerUnroutable,
    schemaController: { compilersFactory: { buildSerializer: serializersOnFirstUse } },
  })
  // Past the cap Node closes a new connection at once: file descriptors stay for upstream sockets,
  // the database and the logs, and the connections already open keep being served.
  app.server.maxConnections = settings.maxConnections

  // Every body is JSON: text/plain gets 415 like any other media type, not a confusing 422.
  app.removeContentTypeParser('text/plain')
  const validators = createValidators()
  app.setValidatorCompiler(({ schema, httpPart }) =>
    validatorOnFirstUse(() =>
      (httpPart === 'body' ? validators.strict : validators.coercing).compile(schema),
    ),
  )
  // Set when close() starts: a request still arriving on an open connection gets a 503 that a load
  // balancer retries elsewhere (nginx: proxy_next_upstream http_503), not a handler run.
  let closing = false
  app.addHook('preClose', async () => {
    closing = true
  })
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id)
    if (closing) {
      throw new AppError('shutting_down', 'the server is shutting down; retry the request', {
        headers: { 'retry-after': '1' },
      })
    }
  })
  app.addHook('onClose', async () => core.close())
  // The logger made here is closed here (flushed); a logger passed in belongs to the caller.
  if (!options.logger) app.addHook('onClose', async () => logSinkOf(log)?.close())

  registerRequestLogging(app, { metrics: core.metrics })
  registerErrorHandling(app, 'problem')
  // Before the checks that refuse a request, so their 421 and 401 answers carry the headers too.
  await registerSecurityHeaders(app)
  registerHostCheck(app, settings)
  const clientKeys: ClientKeyVerifier = core.clientKeys
  registerAuth(app, { adminToken: settings.adminToken, clientKeys: () => clientKeys })

  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Switchboard',
        version: '0.1.0',
        description: 'Manage LLM providers, health, routes, and the OpenAI-compatible gateway at /v1.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: settings.adminToken ? [{ bearer: [] }] : [],
    },
    ...openApiNames,
  })
  if (settings.healthCheckEnabled) app.addHook('onReady', async () => core.healthScheduler.start())
  // Other replicas' (and the CLI's) changes reach this process's snapshot within the interval.
  app.addHook('onReady', async () => core.replicaSync.start())
  // BACKEND_REQUEST_LOG_RETENTION_DAYS: old request records go at start-up and every hour after.
  app.addHook('onReady', async () => core.requestLog.startRetention())
  app.addHook('onReady', async () => core.replicaRegistry.start())

  // The UI reads admin_token_required to show sign-in first instead of asking /api for a 401.
  const Ping = Type.Object(
    {
      status: Type.Literal('ok'),
      admin_token_required: Type.Boolean({ description: 'whether /api needs the admin token' }),
    },
    { $id: 'Ping' },
  )

  // Three scopes, each declaring the credential of every route in it (api/plugins/auth.ts).
  const ui = uiFolder(options.uiDir)
  await app.register(async (open) => {
    requireCredential(open, 'public')
    await open.register(fastifySwaggerUi, { routePrefix: '/docs' })
    open.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
    open.get(
      '/ping',
      {
        config: { anyHost: true },
        schema: { tags: ['health'], summary: 'Liveness probe', security: [], response: { 200: Ping } },
      },
      async () => ({ status: 'ok' as const, admin_token_required: settings.adminToken !== null }),
    )
    if (ui)
      await open.register(fastifyStatic, {
        root: ui,
        wildcard: false,
        index: false,
        decorateReply: false,
        // the .br and .gz files the UI build writes beside each asset (frontend/scripts/compress.mjs)
        preCompressed: true,
      })
  })
  await app.register(async (admin) => {
    requireCredential(admin, 'admin')
    registerBodyGuard(admin, { skip: ['/api/admin/providers/restore'] })
    if (settings.adminToken) documentUnauthorized(admin)
    const typed = admin.withTypeProvider<TypeBoxTypeProvider>()
    await typed.register(providerRoutes({ inventory: core.inventory }))
    await typed.register(
      providerHealthRoutes({
        health: core.health,
        events: core.healthEvents,
        actor: settings.adminToken ? 'admin_token' : 'no_auth',
      }),
    )
    await typed.register(adminRoutes({ metrics: core.metrics, logs: core.logs }))
    await admin.register(metricsRoutes({ metrics: core.metrics }))
    await typed.register(modelRouteRoutes({ modelRoutes: core.modelRoutes }))
    await typed.register(keyRoutes({ clientKeys: core.clientKeys }))
    await typed.register(requestRoutes({ requests: core.requests }))
    await typed.register(priceRoutes({ prices: core.prices }))
    await typed.register(usageRoutes({ usage: core.usage }))
    await typed.register(playgroundRoutes({ proxy: core.proxy }))
    await typed.register(
      backupRoutes({ backup: core.backup, changes: core.changes, backupFile: settings.backupFile }),
    )
  })
  await app.register(async (gateway) => {
    requireCredential(gateway, 'client')
    registerErrorHandling(gateway, 'openai')
    skipSecurityHeaders(gateway)
    await gateway.register(
      gatewayRoutes({
        proxy: core.proxy,
        limits: core.limits,
        bodyLimit: settings.gatewayBodyLimitBytes,
        clientKeyIdOf: (token) => core.clientKeys.idOf(token),
      }),
    )
  })

  // The not-found handler sends index.html for client-side routes: reply.sendFile on the root.
  if (ui) await app.register(fastifyStatic, { root: ui, serve: false, preCompressed: true })
  registerNotFound(app, { hasUi: ui !== null })

  app.decorate('core', core)
  return app
}

/** /docs: with an admin token every route of the scope may answer 401; say so on each. */
function documentUnauthorized(scope: FastifyInstance): void {
  scope.addHook('onRoute', (route) => {
    const schema = route.schema ?? {}
    route.schema = { ...schema, response: { ...(schema.response as object), 401: Problem } }
  })
}

/** The built UI (served from the backend: one process, one port), or null when it is not built. */
function uiFolder(dir = resolve(repoRoot, 'frontend', 'dist')): string | null {
  return existsSync(resolve(dir, 'index.html')) ? dir : null
}
