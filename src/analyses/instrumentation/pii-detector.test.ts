import { describe, expect, it } from 'vitest';
import { detectPii, piiKindFromName } from './pii-detector.ts';

describe('detectPii', () => {
  it.each([
    ['jane.doe@example.com', 'email'],
    ['Contact: jane@example.co.uk please', 'email'],
    ['+1 415 555 0100', 'phone'],
    ['(415) 555-0100', 'phone'],
    ['+442071838750', 'phone'],
    ['4111 1111 1111 1111', 'card'],
    ['4111111111111111', 'card'],
    ['123-45-6789', 'ssn'],
    ['192.168.10.200', 'ip'],
  ])('finds %s as %s', (value, kind) => {
    expect(detectPii(value)).toBe(kind);
  });

  it.each([
    'ORD-123456',
    'order_42',
    '2024-03-01',
    '2024-03-01T12:00:00Z',
    '1700000000000',
    '4111111111111112', // fails the Luhn check
    '1234567890', // a bare digit run is an id, not a phone
    'v1.2.3',
    '10.0.19041.1234',
    'a@b',
    'https://example.com/path',
  ])('leaves %s alone', (value) => {
    expect(detectPii(value)).toBeUndefined();
  });

  it('reads personal-data hints in property names', () => {
    expect(piiKindFromName('customer_email')).toBe('email');
    expect(piiKindFromName('email_id')).toBeUndefined();
    expect(piiKindFromName('phoneNumber')).toBe('phone');
    expect(piiKindFromName('diagnosis_code')).toBe('health');
    expect(piiKindFromName('order_id')).toBeUndefined();
  });
});
