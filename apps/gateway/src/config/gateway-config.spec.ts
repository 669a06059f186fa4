import { describe, expect, it } from 'vitest';
import { ConfigError, loadGatewayConfig, resolveSettings } from './gateway-config.js';

const defaults = { cwd: '/srv/cligate', panelDir: null };

describe('loadGatewayConfig', () => {
  it('uses gcli2api defaults and locks what the environment sets', () => {
    const config = loadGatewayConfig({ CALLS_PER_ROTATION: '10', AUTO_BAN: 'true', AUTO_BAN_ERROR_CODES: '403, 500' }, defaults);
    const settings = resolveSettings(config.envSettings, {});
    expect(settings).toMatchObject({
      port: 7861,
      password: 'pwd',
      api_password: 'pwd',
      panel_password: 'pwd',
      calls_per_rotation: 10,
      auto_ban_enabled: true,
      auto_ban_error_codes: [403, 500],
      retry_429_max_retries: 5,
      code_assist_endpoint: 'https://cloudcode-pa.googleapis.com',
    });
    expect([...config.envLocked].sort()).toEqual(['auto_ban_enabled', 'auto_ban_error_codes', 'calls_per_rotation']);
    expect(config.databaseUrl).toBeNull();
    expect(config.dataDir).toBe('/srv/cligate/data');
  });

  it('lets the environment win over stored settings, and PASSWORD feed both passwords', () => {
    const config = loadGatewayConfig({ PASSWORD: 'secret', CALLS_PER_ROTATION: '3' }, defaults);
    const settings = resolveSettings(config.envSettings, { calls_per_rotation: 50, retry_429_interval: 2 });
    expect(settings).toMatchObject({ api_password: 'secret', panel_password: 'secret', calls_per_rotation: 3, retry_429_interval: 2 });
  });

  it('accepts gcli2api storage aliases', () => {
    const config = loadGatewayConfig({ POSTGRES_DSN: 'postgresql://u@db/x', REDIS_URI: 'redis://r:6379' }, defaults);
    expect(config.databaseUrl).toBe('postgresql://u@db/x');
    expect(config.redisUrl).toBe('redis://r:6379');
  });

  it('stops with a message naming every bad variable', () => {
    let error: unknown;
    try {
      loadGatewayConfig({ PORT: 'abc', PROXY: 'ftp://x', RETRY_429_INTERVAL: '99', DATABASE_URL: 'mysql://x', CLIGATE_ENCRYPTION_KEY: 'short' }, defaults);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const names = (error as ConfigError).problems.map((p) => p.split(':')[0]);
    expect(names.sort()).toEqual(['CLIGATE_ENCRYPTION_KEY', 'DATABASE_URL', 'PORT', 'PROXY', 'RETRY_429_INTERVAL']);
  });

  it('tunes V8 heap growth to 100 % by default, 0 handing it back to V8, and refuses other values', () => {
    expect(loadGatewayConfig({}, defaults).heapGrowingPercent).toBe(100);
    expect(loadGatewayConfig({ CLIGATE_HEAP_GROWING_PERCENT: '0' }, defaults).heapGrowingPercent).toBe(0);
    expect(loadGatewayConfig({ CLIGATE_HEAP_GROWING_PERCENT: '50' }, defaults).heapGrowingPercent).toBe(50);
    for (const bad of ['-1', '1.5', 'lots', '1001']) {
      expect(() => loadGatewayConfig({ CLIGATE_HEAP_GROWING_PERCENT: bad }, defaults)).toThrow(/CLIGATE_HEAP_GROWING_PERCENT/);
    }
  });
});
