import { resolveOptions } from '../module/resolve-options';
import { InvalidOptionsError } from '../validation/problems';

const WEBHOOK_SECRET = 'https://hooks.example.test/services/T000/B000/h16SecretPart';

function problemsOf(options: unknown): readonly string[] {
  try {
    resolveOptions(options as never, {});
  } catch (error) {
    if (error instanceof InvalidOptionsError) return error.problems;
    throw error;
  }
  throw new Error('expected resolveOptions to throw');
}

const store = { publish: async () => undefined, list: async () => [], remove: async () => undefined };

describe('ui and webhooks options', () => {
  it('are on by default with bounded history, and off with ui: false', () => {
    const resolved = resolveOptions({}, {});
    expect(resolved.ui).toEqual({ path: 'ui', refreshIntervalMs: 5000, historySize: 300, transitionsSize: 50 });
    expect(resolved.webhooks).toEqual([]);
    expect(resolveOptions({ ui: false }, {}).ui).toBe(false);
  });

  it('fill the fleet and webhook defaults', () => {
    const resolved = resolveOptions({ ui: { fleet: { store, heartbeatIntervalMs: 1000 } }, webhooks: [{ url: WEBHOOK_SECRET, format: 'slack' }] }, { HOSTNAME: 'orders-7f9c' });
    expect(resolved.ui && resolved.ui.fleet).toMatchObject({ heartbeatIntervalMs: 1000, staleAfterMs: 3000, forgetAfterMs: 30_000, replicaId: `orders-7f9c:${process.pid}`, storeTimeoutMs: 2000 });
    expect(resolved.webhooks).toEqual([{ url: WEBHOOK_SECRET, format: 'slack', headers: {}, debounceMs: 5000, timeoutMs: 5000, retries: 3, backoffMs: 1000 }]);
  });

  it('report every problem at once, with the ones of other options, and never echo a webhook URL or header value', () => {
    const problems = problemsOf({
      format: 'xml',
      ui: { path: 'ready', refreshIntervalMs: 5, historySize: 0, colour: 'red', fleet: { store: {}, heartbeatIntervalMs: 1000, staleAfterMs: 500 } },
      webhooks: [{ url: `ftp://user:${'pw'}@hooks.example.test/${'h16SecretPart'}`, format: 'discord', retries: 99, headers: { Authorization: 42 } }, { url: 'not a url h16SecretPart' }],
    });
    expect(problems).toEqual([
      expect.stringMatching(/^format: must be one of/),
      'ui.colour: unknown option (known: path, refreshIntervalMs, historySize, transitionsSize, fleet)',
      expect.stringMatching(/^ui\.path: "ready" is taken by another health endpoint/),
      'ui.refreshIntervalMs: must be between 100 and 3600000, got 5',
      'ui.historySize: must be between 1 and 10000, got 0',
      expect.stringMatching(/^ui\.fleet\.store: must be a fleet store/),
      'ui.fleet.staleAfterMs: must be longer than heartbeatIntervalMs (1000), got 500',
      'webhooks[0].url: must be an http:// or https:// URL (the value is not shown: webhook URLs are secrets)',
      'webhooks[0].format: must be one of "json", "slack", "teams", got "discord"',
      'webhooks[0].headers.Authorization: must be a string without line breaks (value not shown)',
      'webhooks[0].retries: must be between 0 and 10, got 99',
      'webhooks[1].url: must be an http:// or https:// URL (the value is not shown: webhook URLs are secrets)',
    ]);
    expect(problems.join('\n')).not.toContain('h16SecretPart');
  });

  it('reject a ui that is not an object and webhooks that are not an array', () => {
    expect(problemsOf({ ui: 'yes', webhooks: { url: WEBHOOK_SECRET } })).toEqual([
      'ui: must be true, false or an object, got "yes"',
      'webhooks: must be an array of { url, format? ... }, got an object',
    ]);
  });
});
