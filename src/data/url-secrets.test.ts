import { describe, expect, it } from 'vitest';
import { redactUrl } from './clickhouse-engine.ts';
import { displayUrl, isSecretParam, scrubUrlSecrets } from './url-secrets.ts';

describe('displayUrl', () => {
  it('keeps scheme, host, port and path; drops user, password, query and fragment', () => {
    expect(displayUrl('postgres://app:s3cret@db.internal:5432/crm?sslmode=require&password=x')).toBe(
      'postgres://db.internal:5432/crm',
    );
    expect(displayUrl('http://127.0.0.1:8123/?http_header_X-ClickHouse-Key=s3cret')).toBe(
      'http://127.0.0.1:8123',
    );
    expect(displayUrl('https://ch.example.com:8443/analytics#frag')).toBe(
      'https://ch.example.com:8443/analytics',
    );
    expect(displayUrl('http://default:p@ss@127.0.0.1:8123/')).toBe('http://127.0.0.1:8123');
    expect(displayUrl('not a url')).toBeNull();
  });

  it("is what the ClickHouse engine's messages and `engine load`'s result show", () => {
    expect(redactUrl('http://gtm:pw@127.0.0.1:8123/?http_header_X-ClickHouse-Key=s3cret')).toBe(
      'http://127.0.0.1:8123',
    );
    expect(redactUrl('::', 'server')).toBe('server');
  });
});

describe('isSecretParam', () => {
  it('names the parameters that carry credentials in libpq, the ClickHouse client and common services', () => {
    for (const n of [
      'password',
      'PASSWORD',
      'sslpassword',
      'http_header_X-ClickHouse-Key',
      'http_header_Authorization',
      'access_token',
      'api_key',
      'apikey',
      'token',
      'key',
    ])
      expect(isSecretParam(n), n).toBe(true);
    for (const n of [
      'sslmode',
      'database',
      'application',
      'ch_max_threads',
      'host',
      'user',
      'keep_alive_enabled',
    ])
      expect(isSecretParam(n), n).toBe(false);
  });
});

describe('scrubUrlSecrets', () => {
  it('masks the password and credential parameters of every URL in a text, keeping the rest byte for byte', () => {
    expect(scrubUrlSecrets('connect postgres://app:pw@db:5432/crm?sslmode=require&password=x failed')).toBe(
      'connect postgres://app:***@db:5432/crm?sslmode=require&password=*** failed',
    );
    expect(
      scrubUrlSecrets(
        '"http://127.0.0.1:8123/?http_header_X-ClickHouse-Key=s3cret&ch_max_threads=2#x" and http://h/',
      ),
    ).toBe('"http://127.0.0.1:8123/?http_header_X-ClickHouse-Key=***&ch_max_threads=2#x" and http://h/');
    // an encoded name is matched decoded; an unencoded @ in the password stays inside the user-info
    expect(scrubUrlSecrets('http://h/?pass%77ord=a%26b')).toBe('http://h/?pass%77ord=***');
    expect(scrubUrlSecrets('postgres://app:p@ss@db/crm')).toBe('postgres://app:***@db/crm');
    expect(scrubUrlSecrets('user@example.com wrote http://u@h/x')).toBe(
      'user@example.com wrote http://u@h/x',
    );
  });

  it("drops the whole user-info with 'drop' (for records such as the plan)", () => {
    expect(scrubUrlSecrets('http://gtm:s3cret@ch.internal:8123?access_token=t', 'drop')).toBe(
      'http://ch.internal:8123?access_token=***',
    );
  });
});
