#!/usr/bin/env node
// The package `bin`. It imports Node built-ins and ./probe only (never Nest, never a driver), so it
// starts in tens of milliseconds inside a Docker HEALTHCHECK or a distroless image.
import { parseArgs } from 'node:util';
import { describeError } from '../engine/redact.js';
import {
  BAD_OPTION,
  BAD_TIMEOUT,
  DEFAULT_TIMEOUT_MS,
  HELP,
  INTERNAL_ERROR,
  NO_COMMAND,
  NO_URL,
  TOO_MANY_ARGUMENTS,
  UNKNOWN_COMMAND,
  URL_ENV,
  USAGE_ERROR,
} from './messages.js';
import { parseProbeUrl, parseTimeout, probe } from './probe.js';

/** What the process should print (one line, or the help text) and exit with. */
export interface CliOutcome {
  /** 0 healthy (or `--help`), 1 anything else. Docker reserves 2, so it is never used. */
  exitCode: 0 | 1;
  /** Printed on stdout, followed by a newline. */
  text: string;
}

/**
 * Runs the CLI without touching the process: parses `argv` (the arguments after the script),
 * probes, and returns what to print and the exit code.
 *
 * @example
 * await main(['probe', 'http://127.0.0.1:3000/health/live', '--timeout', '1000'], process.env);
 * // { exitCode: 0, text: 'healthy: 200 pass http://127.0.0.1:3000/health/live (3 ms)' }
 */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliOutcome> {
  let values: { timeout?: string; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: { timeout: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (error) {
    // Duck-typed: parseArgs errors come from Node's realm, which fails `instanceof Error` under jest.
    return usageError(BAD_OPTION(String((error as Error | undefined)?.message ?? error)));
  }
  if (values.help) return { exitCode: 0, text: HELP };

  const [command, target, ...extra] = positionals;
  if (command === undefined) return usageError(NO_COMMAND);
  if (command !== 'probe') return usageError(UNKNOWN_COMMAND(command));
  if (extra.length > 0) return usageError(TOO_MANY_ARGUMENTS(extra));

  const urlText = target ?? env[URL_ENV];
  if (urlText === undefined || urlText.trim() === '') return usageError(NO_URL);

  const timeoutMs = values.timeout === undefined ? DEFAULT_TIMEOUT_MS : parseTimeout(values.timeout);
  if (timeoutMs === undefined) return usageError(BAD_TIMEOUT(values.timeout ?? ''));

  let url: URL;
  try {
    url = parseProbeUrl(urlText.trim());
  } catch (error) {
    return usageError((error as Error).message);
  }

  const { healthy, line } = await probe(url, { timeoutMs });
  return { exitCode: healthy ? 0 : 1, text: line };
}

function usageError(problem: string): CliOutcome {
  return { exitCode: 1, text: USAGE_ERROR(problem) };
}

if (require.main === module) {
  main(process.argv.slice(2), process.env).then(
    ({ exitCode, text }) => {
      process.stdout.write(`${text}\n`);
      // exitCode rather than exit(): stdout is flushed first, and probe() leaves no open handle.
      process.exitCode = exitCode;
    },
    (error: unknown) => {
      process.stdout.write(`${INTERNAL_ERROR(describeError(error))}\n`);
      process.exitCode = 1;
    },
  );
}
