import { createHash } from 'node:crypto';
import { renderStatusPage, STATUS_PAGE_CSP } from './status-page.html';

const sha = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

describe('status page document', () => {
  const html = renderStatusPage({ refreshIntervalMs: 5000 });

  it('allows exactly its one inline script and one inline style, by hash', () => {
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]!);
    expect([scripts.length, styles.length]).toEqual([1, 1]);
    expect(STATUS_PAGE_CSP).toContain(`script-src ${sha(scripts[0]!)}`);
    expect(STATUS_PAGE_CSP).toContain(`style-src ${sha(styles[0]!)}`);
    expect(STATUS_PAGE_CSP).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
  });

  it('has no inline event handler, style attribute, external URL or HTML parsing in its script', () => {
    const handlers = html.match(/\son[a-z]+\s*=/gi) ?? [];
    const styleAttributes = html.match(/\sstyle\s*=/gi) ?? [];
    const external = (html.match(/(?:src|href)\s*=\s*"[^"]*"/gi) ?? []).filter((attr) => attr !== 'href="data:,"');
    const urls = html.match(/https?:\/\/(?!www\.w3\.org\/2000\/svg)[^\s'"]+/g) ?? [];
    const htmlSinks = html.match(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/g) ?? [];
    expect({ handlers, styleAttributes, external, urls, htmlSinks }).toEqual({ handlers: [], styleAttributes: [], external: [], urls: [], htmlSinks: [] });
  });

  it('never puts the token in a URL: it is read from sessionStorage and sent as a header only', () => {
    expect(html).toContain("h.Authorization = 'Bearer ' + t;");
    expect(html.match(/token[^\n]*(?:location|search|\?)/gi)?.filter((line) => !line.includes('sessionStorage')) ?? []).toEqual([]);
  });
});
