import { describe, expect, it } from 'vitest';
import { formatPhoneNumber } from '../../src-main/core/phone.js';

describe('formatPhoneNumber', () => {
  it('splits the country code by the E.164 plan and groups the rest', () => {
    expect(formatPhoneNumber('6281234567890')).toBe('+62 812 3456 7890');
    expect(formatPhoneNumber('14155550123')).toBe('+1 415-555-0123');
    expect(formatPhoneNumber('491512345678')).toBe('+49 15 1234 5678');
    expect(formatPhoneNumber('35312345678')).toBe('+353 1234 5678');
    expect(formatPhoneNumber('+447911123456')).toBe('+44 79 1112 3456');
  });

  it('leaves anything that is not a phone number as given', () => {
    for (const s of ['', 'abc', '0123456789', '12345', '1234567890123456']) expect(formatPhoneNumber(s)).toBe(s);
  });
});
