import { main } from './main';
import { HELP } from './messages';
import { isHealthyStatus, parseProbeUrl, parseTimeout } from './probe';

/** Argument handling of the CLI, in-process and without any network. */
describe('main() arguments', () => {
  it('prints the help and exits 0 for --help and -h, with or without a command', async () => {
    for (const argv of [['--help'], ['-h'], ['probe', '--help']]) {
      expect(await main(argv)).toEqual({ exitCode: 0, text: HELP });
    }
    expect(HELP).toMatch(/^Usage: nestjs-deep-health probe \[<url>\] \[--timeout <ms>\]/);
  });

  it.each([
    [[], 'error: no command given; expected "probe" (see nestjs-deep-health --help)'],
    [['check', 'http://x/'], 'error: unknown command "check"; expected "probe" (see nestjs-deep-health --help)'],
    [['probe'], 'error: no URL given and HEALTHCHECK_URL is not set (see nestjs-deep-health --help)'],
    [['probe', 'http://a/', 'http://b/'], 'error: unexpected argument(s): http://b/ (see nestjs-deep-health --help)'],
    [['probe', 'http://a/', '--verbose'], "error: Unknown option '--verbose' (see nestjs-deep-health --help)"],
    [['probe', 'http://a/', '--timeout'], "error: Option '--timeout <value>' argument missing (see nestjs-deep-health --help)"],
    [['probe', 'http://a/', '--timeout', '2s'], 'error: --timeout must be a whole number of milliseconds between 1 and 600000, got "2s" (see nestjs-deep-health --help)'],
    [['probe', 'localhost:3000/health'], 'error: "localhost:3000/health" is not an absolute http:// or https:// URL (see nestjs-deep-health --help)'],
  ])('exits 1 with one error line for %j', async (argv, text) => {
    const outcome = await main(argv as string[], {});
    expect(outcome).toEqual({ exitCode: 1, text });
    expect(outcome.text).not.toContain('\n');
  });

  it('treats an empty HEALTHCHECK_URL as missing', async () => {
    expect((await main(['probe'], { HEALTHCHECK_URL: '  ' })).text).toMatch(/^error: no URL given/);
  });

  it('never echoes a password from a bad URL', async () => {
    const { text } = await main(['probe', 'redis://admin:topsecret1@cache:6379']);
    expect(text).toBe('error: "redis://admin:***@cache:6379" is not an absolute http:// or https:// URL (see nestjs-deep-health --help)');
  });
});

describe('parseTimeout()', () => {
  it.each([
    ['1', 1],
    ['2000', 2000],
    ['600000', 600000],
    [' 500 ', 500],
  ])('accepts %j', (value, ms) => expect(parseTimeout(value)).toBe(ms));

  it.each(['0', '-1', '1.5', '2s', '', '600001', '1e3'])('rejects %j', (value) => expect(parseTimeout(value)).toBeUndefined());
});

describe('parseProbeUrl()', () => {
  it('accepts http and https URLs', () => {
    expect(parseProbeUrl('http://127.0.0.1:3000/health/live').port).toBe('3000');
    expect(parseProbeUrl('https://api.example.com/health').protocol).toBe('https:');
  });

  it.each(['', '/health', 'ftp://host/', 'file:///etc/passwd', 'http//x'])('rejects %j with a TypeError', (text) => {
    expect(() => parseProbeUrl(text)).toThrow(TypeError);
  });
});

describe('isHealthyStatus()', () => {
  it.each(['pass', 'warn', 'ok', 'up', 'UP', 'Healthy', 'Degraded'])('%s is healthy', (s) => expect(isHealthyStatus(s)).toBe(true));
  it.each(['fail', 'error', 'down', 'shutting_down', 'Unhealthy', 'green', ''])('%s is not', (s) => expect(isHealthyStatus(s)).toBe(false));
});
