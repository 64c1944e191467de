/**
 * The in-process e2e tier (jest project `e2e`: Nest apps on Express, Fastify and the standalone server, the
 * hostile-input tests) on each other supported Node line: 22, 24 and 26 (see ./node-lines.ts). The suite
 * itself runs that tier on the Node running it. The lines run at the same time, each one jest in band, so
 * the three cost about as much wall time as two in a row; this file waits for them.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative } from 'node:path';
import { root } from './consumer-app';
import { otherNodeLines, type NodeBinary } from './node-lines';

const JEST = join(root, 'node_modules/jest/bin/jest.js');
const LINES = otherNodeLines();

interface JestReport {
  numTotalTests: number;
  numPendingTests: number;
  testResults: Array<{ name: string; assertionResults: Array<{ fullName: string; status: string; failureMessages: string[] }> }>;
}
interface LineRun {
  exitCode: number | null;
  seconds: number;
  report?: JestReport;
  /** The tail of jest's own output, for a run that produced no report. */
  output: string;
}

function runE2e({ node, major }: NodeBinary, outDir: string): Promise<LineRun> {
  const reportFile = join(outDir, `node-${major}.json`);
  const started = Date.now();
  // Not a worker of this jest: the child is a jest run of its own.
  const { JEST_WORKER_ID: _worker, ...env } = process.env;
  const child = spawn(node, [JEST, '--selectProjects', 'e2e', '--runInBand', '--silent', '--json', `--outputFile=${reportFile}`], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  return new Promise((done) => {
    child.once('close', (exitCode) => {
      let report: JestReport | undefined;
      try {
        report = JSON.parse(readFileSync(reportFile, 'utf8')) as JestReport;
      } catch {
        report = undefined;
      }
      done({ exitCode, seconds: Math.round((Date.now() - started) / 1000), report, output });
    });
  });
}

describe('the in-process e2e tier on the other Node lines', () => {
  const runs = new Map<number, LineRun>();
  let outDir: string;
  let e2eFiles: string[];

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'deep-health-node-lines-'));
    e2eFiles = execFileSync(process.execPath, [JEST, '--selectProjects', 'e2e', '--listTests'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .split('\n')
      .filter((line) => isAbsolute(line))
      .map((file) => relative(root, file))
      .sort();
    const results = await Promise.all(LINES.map((line) => runE2e(line, outDir)));
    LINES.forEach((line, i) => runs.set(line.major, results[i]!));
    console.info(`e2e tier on ${LINES.map((line) => `Node ${line.version}: ${runs.get(line.major)!.seconds} s`).join(', ')} (at the same time)`);
  }, 600_000);

  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it.each(LINES.map((line) => [line.version, line] as const))('passes on Node %s, every e2e file run, none skipped', (version, { major }) => {
    const { exitCode, report, output } = runs.get(major)!;
    const failed = (report?.testResults ?? []).flatMap((file) =>
      file.assertionResults.filter((test) => test.status === 'failed').map((test) => `${relative(root, file.name)} › ${test.fullName}: ${test.failureMessages.join('\n').split('\n').slice(0, 6).join('\n')}`),
    );
    expect({ version, exitCode, failed, noReport: report ? '' : output }).toEqual({ version, exitCode: 0, failed: [], noReport: '' });
    expect((report?.testResults ?? []).map((file) => relative(root, file.name)).sort()).toEqual(e2eFiles);
    expect(report!.numPendingTests).toBe(0);
  });
});
