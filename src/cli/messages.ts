/** Every text the CLI prints, in one place. Each verdict is one line: `<healthy|unhealthy>: <why>`. */

/** Default deadline of one probe, in milliseconds. */
export const DEFAULT_TIMEOUT_MS = 2000;

/** Largest body the probe reads before giving up (a health body is a few KiB at most). */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Environment variable that supplies the URL when none is given on the command line. */
export const URL_ENV = 'HEALTHCHECK_URL';

const took = (ms: number) => `(${ms} ms)`;

export const HEALTHY = (code: number, status: string, url: string, ms: number) =>
  `healthy: ${code} ${status} ${url} ${took(ms)}`;

export const UNHEALTHY_STATUS = (code: number, status: string | undefined, url: string, ms: number, output?: string) =>
  `unhealthy: ${code}${status ? ` ${status}` : ''} ${url} ${took(ms)}${output ? `: ${output}` : ''}`;

export const NOT_JSON = (code: number, url: string, ms: number) =>
  `unhealthy: ${code} with a body that is not JSON ${url} ${took(ms)}`;

export const NO_STATUS = (code: number, url: string, ms: number) =>
  `unhealthy: ${code} with no "status" field in the body ${url} ${took(ms)}`;

export const UNKNOWN_STATUS = (code: number, status: string, url: string, ms: number) =>
  `unhealthy: ${code} with unknown status "${status}" ${url} ${took(ms)}`;

export const BODY_TOO_LARGE = (code: number, url: string, ms: number) =>
  `unhealthy: ${code} with a body over ${MAX_BODY_BYTES} bytes ${url} ${took(ms)}`;

export const TIMED_OUT = (timeoutMs: number, url: string) => `unhealthy: no answer within ${timeoutMs} ms ${url}`;

export const CONNECTION_REFUSED = (url: string, ms: number) => `unhealthy: connection refused ${url} ${took(ms)}`;

export const CONNECTION_RESET = (url: string, ms: number) => `unhealthy: connection reset ${url} ${took(ms)}`;

export const HOST_NOT_FOUND = (url: string, ms: number) => `unhealthy: host not found ${url} ${took(ms)}`;

export const REQUEST_FAILED = (reason: string, url: string, ms: number) => `unhealthy: ${reason} ${url} ${took(ms)}`;

/** Bad arguments are reported on the same single stdout line, with the same exit code 1. */
export const USAGE_ERROR = (problem: string) => `error: ${problem} (see nestjs-deep-health --help)`;

export const NO_COMMAND = 'no command given; expected "probe"';
export const UNKNOWN_COMMAND = (command: string) => `unknown command "${command}"; expected "probe"`;
export const NO_URL = `no URL given and ${URL_ENV} is not set`;
export const TOO_MANY_ARGUMENTS = (extra: readonly string[]) => `unexpected argument(s): ${extra.join(' ')}`;
export const BAD_URL = (url: string) => `"${url}" is not an absolute http:// or https:// URL`;
export const BAD_TIMEOUT = (value: string) =>
  `--timeout must be a whole number of milliseconds between 1 and 600000, got "${value}"`;
/** Node's parseArgs errors, cut to their first sentence. */
export const BAD_OPTION = (message: string) => message.split(/\.(?:\s|$)/)[0]!.split('\n')[0]!;
export const INTERNAL_ERROR = (reason: string) => `unhealthy: probe failed unexpectedly: ${reason}`;

export const HELP = `Usage: nestjs-deep-health probe [<url>] [--timeout <ms>]

Asks a health endpoint once and exits 0 when it is healthy, 1 otherwise,
printing one line that says why. Uses Node built-ins only, so it works in
images without curl or wget (Docker HEALTHCHECK, distroless, slim).

Arguments:
  <url>            http:// or https:// URL of the endpoint
                   (default: $${URL_ENV}, e.g. http://127.0.0.1:3000/health/live)

Options:
  --timeout <ms>   give up after this many milliseconds (default: ${DEFAULT_TIMEOUT_MS})
  -h, --help       show this help

Healthy means: a 2xx answer whose JSON body has "status" pass, warn, ok, up
(or degraded). Anything else (refused, timeout, non-2xx, another status,
a body that is not JSON) is unhealthy. Exit code 1 also for bad arguments.

Example (Dockerfile):
  HEALTHCHECK CMD ["node", "node_modules/nestjs-deep-health/dist/cli/main.js", "probe", "http://127.0.0.1:3000/health/live"]`;
