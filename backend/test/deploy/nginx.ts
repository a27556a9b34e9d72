/**
 * Runs Debian's nginx with deploy/nginx.conf, as a non-root-friendly child process: everything it
 * writes (pid, logs, temporary files) goes to a temporary folder, `daemon off`, stopped by the test.
 * The shipped file is used as it is, except for the three lines that name the container's paths:
 * the listen port, the static root and the upstream include.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { repoRoot } from '../../src/settings.js'

export const nginxConfPath = join(repoRoot, 'deploy', 'nginx.conf')

/** The nginx binary (Debian puts it in /usr/sbin, which a non-root PATH may lack), or null. */
export function findNginx(): string | null {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/local/sbin']
  for (const dir of dirs) {
    if (dir && existsSync(join(dir, 'nginx'))) return join(dir, 'nginx')
  }
  return null
}

export interface NginxOptions {
  /** `host:port` of each backend server. */
  upstreams: string[]
  /** The folder served as the UI (frontend/dist in the image). */
  root: string
  port?: number
}

/** deploy/nginx.conf with the container paths replaced; fails loudly if a line to replace moved. */
export function renderServerConfig(opts: Required<NginxOptions> & { upstreamFile: string }): string {
  const replacements: [string, string][] = [
    ['listen 80;', `listen 127.0.0.1:${opts.port};`],
    ['root /usr/share/nginx/html;', `root ${opts.root};`],
    ['include /etc/nginx/switchboard/upstream.conf;', `include ${opts.upstreamFile};`],
  ]
  let conf = readFileSync(nginxConfPath, 'utf8')
  for (const [from, to] of replacements) {
    if (!conf.includes(from)) throw new Error(`deploy/nginx.conf no longer contains "${from}"`)
    conf = conf.replace(from, to)
  }
  return conf
}

/** The main configuration nginx:alpine wraps around conf.d/default.conf, reduced to a temp prefix. */
function renderMainConfig(dir: string, serverConfFile: string): string {
  // As root, workers would switch to "nobody" and could not read the temporary folders.
  const user = process.getuid?.() === 0 ? 'user root root;' : ''
  return `${user}
daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
    types {
        text/html html;
        text/css css;
        application/javascript js;
        application/json json;
        image/svg+xml svg;
    }
    default_type application/octet-stream;
    access_log ${dir}/access.log;
    client_body_temp_path ${dir}/client_body;
    proxy_temp_path ${dir}/proxy;
    fastcgi_temp_path ${dir}/fastcgi;
    uwsgi_temp_path ${dir}/uwsgi;
    scgi_temp_path ${dir}/scgi;
    include ${serverConfFile};
}
`
}

export interface NginxFiles {
  dir: string
  mainConf: string
}

export function writeNginxConfig(opts: Required<NginxOptions>): NginxFiles {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-nginx-'))
  mkdirSync(join(dir, 'logs'))
  const upstreamFile = join(dir, 'upstream.conf')
  writeFileSync(upstreamFile, opts.upstreams.map((u) => `server ${u};\n`).join(''))
  const serverConf = join(dir, 'server.conf')
  writeFileSync(serverConf, renderServerConfig({ ...opts, upstreamFile }))
  const mainConf = join(dir, 'nginx.conf')
  writeFileSync(mainConf, renderMainConfig(dir, serverConf))
  return { dir, mainConf }
}

/** `nginx -t`: exit code and output. */
export async function testNginxConfig(
  bin: string,
  files: NginxFiles,
): Promise<{ ok: boolean; output: string }> {
  try {
    const { stderr } = await promisify(execFile)(bin, nginxArgs(files, ['-t']))
    return { ok: true, output: stderr }
  } catch (error) {
    const e = error as { stderr?: string; message: string }
    return { ok: false, output: e.stderr ?? e.message }
  }
}

function nginxArgs(files: NginxFiles, extra: string[]): string[] {
  // -e: the error log before the configuration is read (the default path needs root).
  return ['-p', `${files.dir}/`, '-e', join(files.dir, 'error.log'), '-c', files.mainConf, ...extra]
}

export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (!address || typeof address === 'string') throw new Error('no port')
  return address.port
}

export interface RunningNginx {
  url: string
  port: number
  files: NginxFiles
  stop(): Promise<void>
}

/** Starts nginx and waits until it accepts connections; stop() ends it and removes its folder. */
export async function startNginx(bin: string, opts: NginxOptions): Promise<RunningNginx> {
  const port = opts.port ?? (await freePort())
  const files = writeNginxConfig({ ...opts, port })
  const child: ChildProcess = spawn(bin, nginxArgs(files, []), { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
    await exited
    rmSync(files.dir, { recursive: true, force: true })
  }
  const deadline = Date.now() + 10_000
  for (;;) {
    if (child.exitCode !== null) {
      const log = existsSync(join(files.dir, 'error.log'))
        ? readFileSync(join(files.dir, 'error.log'), 'utf8')
        : ''
      await stop()
      throw new Error(`nginx exited at start: ${stderr}${log}`)
    }
    try {
      const res = await fetch(`http://127.0.0.1:${port}/index.html`, { method: 'HEAD' })
      await res.arrayBuffer()
      break
    } catch {
      if (Date.now() > deadline) {
        await stop()
        throw new Error(`nginx did not accept connections on ${port}: ${stderr}`)
      }
      await new Promise((r) => setTimeout(r, 20))
    }
  }
  return { url: `http://127.0.0.1:${port}`, port, files, stop }
}
