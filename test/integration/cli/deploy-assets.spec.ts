import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuilt, root, runCli } from './built-cli';
import { reply, startServer } from './health-server';

/**
 * Lints sample-app/deploy/ with the real tools (haproxy -c, a YAML parser) and checks what no
 * linter knows: the drain timing adds up, every service is health-gated, and the health-check
 * commands written in the Dockerfile and compose.yaml are valid invocations of the built CLI.
 */
const deploy = join(root, 'sample-app/deploy');
const read = (file: string) => readFileSync(join(deploy, file), 'utf8');

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Every YAML document of a file, parsed by PyYAML (no YAML package is installed for Node). */
function parseYaml(file: string): Doc[] {
  const script = 'import sys, json, yaml; json.dump(list(yaml.safe_load_all(open(sys.argv[1]))), sys.stdout)';
  const result = spawnSync('python3', ['-c', script, join(deploy, file)], { encoding: 'utf8' });
  if (result.error || /No module named .?yaml/.test(result.stderr)) {
    throw new Error(
      'YAML lint needs python3 with PyYAML: apt-get install -y --no-install-recommends python3 python3-yaml ' +
        `(${result.error?.message ?? result.stderr.trim()})`,
    );
  }
  if (result.status !== 0) throw new Error(`${file} is not valid YAML:\n${result.stderr}`);
  return JSON.parse(result.stdout) as Doc[];
}

/** The Dockerfile's instructions, continuation lines joined and comments dropped. */
function dockerInstructions(): Array<{ op: string; args: string }> {
  const lines = read('Dockerfile')
    .split('\n')
    .filter((line) => !/^\s*#/.test(line));
  const joined = lines.join('\n').replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [op, ...rest] = line.split(/\s+/);
      return { op: op!.toUpperCase(), args: rest.join(' ') };
    });
}

function container(deployment: Doc): Doc {
  return deployment.spec.template.spec.containers[0];
}

function envOf(c: Doc, name: string): string | undefined {
  return c.env.find((e: Doc) => e.name === name)?.value;
}

const manifests = readdirSync(join(deploy, 'k8s')).filter((f) => f.endsWith('.yaml'));
const [web, webService] = parseYaml('k8s/deployment.yaml');
const [worker] = parseYaml('k8s/worker.yaml');
const policies = parseYaml('k8s/networkpolicy.yaml');
const compose = parseYaml('compose.yaml')[0]!;
const drainDelayMs = Number(envOf(container(web!), 'DRAIN_DELAY_MS'));

describe('sample-app/deploy', () => {
  it('haproxy.cfg passes `haproxy -c`', () => {
    const check = spawnSync('haproxy', ['-c', '-f', join(deploy, 'haproxy.cfg')], { encoding: 'utf8' });
    if (check.error) {
      throw new Error(
        `haproxy is not on PATH (${check.error.message}); install the Debian package: ` +
          'apt-get update && apt-get install -y --no-install-recommends haproxy',
      );
    }
    expect(`${check.stdout}${check.stderr}`).not.toMatch(/\[(WARNING|ALERT)\]/);
    expect(check.status).toBe(0);
  });

  it('HAProxy routes on /health/ready and takes a server out well within the drain delay', () => {
    const cfg = read('haproxy.cfg');
    expect(cfg).toMatch(/^\s*option httpchk GET \/health\/ready\s*$/m);
    expect(cfg).toMatch(/^\s*http-check expect status 200\s*$/m);
    const setting = (name: string) => {
      const match = new RegExp(`^\\s*default-server .*\\b${name} (\\d+)(ms|s)\\b`, 'm').exec(cfg);
      expect(match).not.toBeNull();
      return Number(match![1]) * (match![2] === 's' ? 1000 : 1);
    };
    const fall = Number(/^\s*default-server .*\bfall (\d+)/m.exec(cfg)![1]);
    const timeoutCheck = /^\s*timeout check (\d+)s/m.exec(cfg);
    expect(timeoutCheck).not.toBeNull();
    const worstCaseMs = setting('inter') + (fall - 1) * setting('fastinter') + fall * Number(timeoutCheck![1]) * 1000;
    expect(fall).toBeGreaterThanOrEqual(2);
    expect(worstCaseMs).toBeLessThan(drainDelayMs);
  });

  it('every YAML file parses, and every manifest names its kind', () => {
    for (const file of manifests) {
      for (const doc of parseYaml(`k8s/${file}`)) {
        expect(doc).toEqual(expect.objectContaining({ apiVersion: expect.any(String), kind: expect.any(String) }));
        expect(doc.metadata.name).toMatch(/^deep-health-sample-/);
      }
    }
    expect(manifests.sort()).toEqual(['deployment.yaml', 'networkpolicy.yaml', 'worker.yaml']);
  });

  describe('k8s/deployment.yaml (web)', () => {
    const c = container(web!);
    const spec = web!.spec.template.spec;

    it('probes startup, liveness and readiness on their own endpoints', () => {
      expect(c.startupProbe.httpGet).toEqual({ path: '/health/startup', port: 'http' });
      expect(c.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
      expect(c.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'http' });
      expect(c.ports).toEqual([{ name: 'http', containerPort: Number(envOf(c, 'PORT')) }]);
      expect(envOf(c, 'HOST')).toBe('0.0.0.0');
      expect(webService!.spec.ports[0].targetPort).toBe('http');
    });

    it('readiness period x failureThreshold < drainDelayMs < terminationGracePeriodSeconds', () => {
      expect(drainDelayMs).toBe(10_000);
      const r = c.readinessProbe;
      const readinessNoticeMs = (r.periodSeconds * r.failureThreshold + r.timeoutSeconds) * 1000;
      const preStopMs = c.lifecycle.preStop.sleep.seconds * 1000;
      expect(readinessNoticeMs).toBeLessThan(drainDelayMs);
      expect(preStopMs + drainDelayMs).toBeLessThan(spec.terminationGracePeriodSeconds * 1000);
      // Room for Nest to close (in-flight requests) after the drain: at least 10 s.
      expect(spec.terminationGracePeriodSeconds * 1000 - preStopMs - drainDelayMs).toBeGreaterThanOrEqual(10_000);
    });

    it('gives the startup probe time for migrations and answers within the probe timeouts', () => {
      const s = c.startupProbe;
      expect(s.periodSeconds * s.failureThreshold).toBeGreaterThanOrEqual(120);
      // The app answers within its 900 ms deadline, so 1 s probe timeouts are enough.
      for (const probe of [c.startupProbe, c.livenessProbe, c.readinessProbe]) expect(probe.timeoutSeconds).toBeGreaterThanOrEqual(1);
    });

    it('runs as non-root with secrets from a Secret, never inline', () => {
      expect(spec.securityContext.runAsNonRoot).toBe(true);
      for (const name of ['DATABASE_URL', 'REDIS_URL', 'RABBITMQ_URL', 'HEALTH_ADMIN_TOKEN']) {
        const entry = c.env.find((e: Doc) => e.name === name);
        expect(entry.valueFrom.secretKeyRef.name).toBe('deep-health-sample');
        expect(entry.value).toBeUndefined();
      }
    });
  });

  describe('k8s/worker.yaml', () => {
    const c = container(worker!);

    it('probes the health endpoints on HEALTH_PORT, listening on all interfaces', () => {
      const port = Number(envOf(c, 'HEALTH_PORT'));
      expect(port).toBe(9000);
      expect(c.ports).toEqual([{ name: 'health', containerPort: port }]);
      expect(c.startupProbe.httpGet).toEqual({ path: '/health/startup', port: 'health' });
      expect(c.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'health' });
      expect(c.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'health' });
      expect(envOf(c, 'HEALTH_HOST')).toBe('0.0.0.0');
      expect(c.command).toEqual(['node', 'sample-app/dist/worker.js']);
    });
  });

  describe('k8s/networkpolicy.yaml', () => {
    it('selects the web and worker Pods and opens only their named ports', () => {
      const byComponent = new Map(policies.map((p) => [p.spec.podSelector.matchLabels['app.kubernetes.io/component'], p]));
      for (const [component, deployment] of [['web', web!], ['worker', worker!]] as const) {
        const policy = byComponent.get(component)!;
        expect(policy.kind).toBe('NetworkPolicy');
        expect(deployment.spec.template.metadata.labels).toEqual(expect.objectContaining(policy.spec.podSelector.matchLabels));
        const portNames = container(deployment).ports.map((p: Doc) => p.name);
        for (const rule of policy.spec.ingress) for (const p of rule.ports) expect(portNames).toContain(p.port);
      }
      expect(read('k8s/networkpolicy.yaml')).toMatch(/PUT \/ DELETE \/health\/maintenance/);
    });
  });

  describe('compose.yaml', () => {
    const services = compose.services as Record<string, Doc>;

    it('runs Postgres with pgvector, Redis, RabbitMQ, the app and the worker, each with a healthcheck', () => {
      expect(services.postgres!.image).toBe('pgvector/pgvector:pg16');
      for (const name of ['postgres', 'redis', 'rabbitmq', 'app', 'worker', 'lb']) {
        expect(services[name]?.healthcheck?.test).toEqual(expect.arrayContaining([expect.any(String)]));
      }
    });

    it('starts the app and the worker only once their dependencies are healthy', () => {
      const gated = (name: string) => Object.entries(services[name]!.depends_on as Record<string, Doc>);
      for (const [, dep] of [...gated('app'), ...gated('worker')]) expect(dep).toEqual({ condition: 'service_healthy' });
      expect(gated('app').map(([n]) => n).sort()).toEqual(['postgres', 'rabbitmq', 'redis']);
      expect(gated('worker').map(([n]) => n).sort()).toEqual(['app', 'postgres', 'rabbitmq', 'redis']);
    });

    it('gives the app more stop time than its drain delay', () => {
      expect(services.app!.environment.DRAIN_DELAY_MS).toBe('${DRAIN_DELAY_MS:-10000}');
      expect(Number(/^(\d+)s$/.exec(services.app!.stop_grace_period)![1]) * 1000).toBeGreaterThan(drainDelayMs);
    });
  });

  describe('Dockerfile', () => {
    const instructions = dockerInstructions();
    const froms = instructions.filter((i) => i.op === 'FROM');
    const runtimeStart = instructions.lastIndexOf(froms[froms.length - 1]!);
    const runtime = instructions.slice(runtimeStart);

    it('builds in one stage and runs a slim image as a non-root user', () => {
      expect(froms.length).toBeGreaterThanOrEqual(2);
      expect(froms[0]!.args).toMatch(/ AS build$/i);
      expect(froms[froms.length - 1]!.args).toMatch(/^(node:\$\{NODE_VERSION\}-slim|gcr\.io\/distroless\/nodejs)/);
      const user = runtime.filter((i) => i.op === 'USER').pop();
      expect(user?.args).toMatch(/^(?!root$|0$)\S+$/);
    });

    it('points its HEALTHCHECK at the package bin, which package.json declares', () => {
      const healthcheck = runtime.find((i) => i.op === 'HEALTHCHECK')!;
      const command = JSON.parse(healthcheck.args.replace(/^.*?CMD\s+/, '')) as string[];
      expect(command).toEqual(['node', '/app/dist/cli/main.js', 'probe']);
      const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: Record<string, string> };
      expect(`/app/${pkg.bin['nestjs-deep-health']!.replace(/^\.\//, '')}`).toBe(command[1]);
      expect(runtime).toContainEqual(expect.objectContaining({ op: 'COPY', args: expect.stringMatching(/\/app\/dist \.\/dist$/) }));
      expect(runtime.find((i) => i.op === 'WORKDIR')?.args).toBe('/app');
      expect(runtime.find((i) => i.op === 'ENV')?.args).toContain('HEALTHCHECK_URL=http://127.0.0.1:3000/health/live');
    });
  });

  describe('health-check commands, run with the built CLI', () => {
    beforeAll(() => ensureBuilt(), 180_000);

    /** Runs a command written for the image (/app = repository root) against a local server. */
    async function runAsInImage(command: string[], env: NodeJS.ProcessEnv = {}) {
      expect(command[0]).toBe('node');
      expect(command[1]).toBe('/app/dist/cli/main.js');
      return runCli(command.slice(2), env);
    }

    it('the Dockerfile HEALTHCHECK passes against a healthy /health/live (URL from HEALTHCHECK_URL)', async () => {
      const server = await startServer(reply(200, { status: 'pass' }));
      try {
        const result = await runAsInImage(['node', '/app/dist/cli/main.js', 'probe'], { HEALTHCHECK_URL: server.url('/health/live') });
        expect(result.code).toBe(0);
        expect(server.requests.map((r) => r.url)).toEqual(['/health/live']);
      } finally {
        await server.close();
      }
    });

    it.each(['app', 'worker'])('the %s healthcheck in compose.yaml is a valid probe call', async (name) => {
      const test = (compose.services as Record<string, Doc>)[name]!.healthcheck.test as string[];
      expect(test[0]).toBe('CMD');
      const server = await startServer(reply(503, { status: 'fail' }));
      try {
        const target = new URL(test[4]!);
        const command = [...test.slice(1, 4), server.url(target.pathname)];
        const result = await runAsInImage(command);
        expect(result.code).toBe(1);
        expect(result.stdout).toMatch(new RegExp(`^unhealthy: 503 fail http://127\\.0\\.0\\.1:\\d+${target.pathname} `));
        expect(target.pathname).toBe(name === 'app' ? '/health/startup' : '/health/live');
      } finally {
        await server.close();
      }
    });
  });
});
