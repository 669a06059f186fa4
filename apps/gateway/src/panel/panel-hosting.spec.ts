import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inlineScripts, loadPanelSite, panelCsp, resolvePanelFile } from './panel-hosting.js';

describe('panel hosting', () => {
  it('hashes inline scripts into the CSP and allows no remote origin', () => {
    const html = '<script src="/_next/a.js" async=""></script><script>self.x=1</script><script type="application/ld+json">{}</script><script id="_R_">y()</script>';
    expect(inlineScripts(html)).toEqual(['self.x=1', 'y()']);
    const csp = panelCsp(html);
    const hash = (s: string) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;
    expect(csp).toContain(`script-src 'self' ${hash('self.x=1')} ${hash('y()')};`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/https?:|unsafe-eval|\*/);
  });

  it('resolves pages of a trailing-slash export and assets', () => {
    const dir = mkdtempSync(join(tmpdir(), 'panel-'));
    for (const f of ['index.html', 'auth/index.html', 'dashboard/usage/index.html', '404.html', '_next/static/a.js', 'auth/index.txt']) {
      mkdirSync(join(dir, f, '..'), { recursive: true });
      writeFileSync(join(dir, f), f.endsWith('.html') ? '<html><script>1</script></html>' : 'x');
    }
    const site = loadPanelSite(dir);
    expect(site.pages.size).toBe(4);
    const r = (p: string) => resolvePanelFile(site, p);
    expect(r('/')).toBe('index.html');
    expect(r('/auth')).toBe('auth/index.html');
    expect(r('/auth/')).toBe('auth/index.html');
    expect(r('/dashboard/usage')).toBe('dashboard/usage/index.html');
    expect(r('/auth/index.txt')).toBe('auth/index.txt');
    expect(r('/_next/static/a.js')).toBe('_next/static/a.js');
    expect(r('/auth/start')).toBeNull();
    expect(r('/../etc/passwd')).toBeNull();
    expect(r('/nothing')).toBeNull();
  });
});
