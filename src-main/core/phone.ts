/**
 * A phone number for people: "+62 812 3456 7890" from "6281234567890". The country calling code is split off by
 * the E.164 code plan (1 and 7 are one digit, a fixed list is two, the rest three); the national number is
 * grouped in fours from the right, North American numbers as 3-3-4. No carrier rules: readable, not canonical.
 */

/** Two-digit country calling codes (ITU-T E.164 assignments); 1 and 7 are the one-digit ones. */
const TWO_DIGIT_CODES = new Set([
  '20', '27', '30', '31', '32', '33', '34', '36', '39', '40', '41', '43', '44', '45', '46', '47', '48', '49',
  '51', '52', '53', '54', '55', '56', '57', '58', '60', '61', '62', '63', '64', '65', '66', '81', '82', '84',
  '86', '90', '91', '92', '93', '94', '95', '98',
]);

function countryCodeLength(digits: string): number {
  if (digits.startsWith('1') || digits.startsWith('7')) return 1;
  return TWO_DIGIT_CODES.has(digits.slice(0, 2)) ? 2 : 3;
}

/** "+<code> <groups>" for a string of 7 to 15 digits (a leading + is allowed); anything else comes back as given. */
export function formatPhoneNumber(phone: string): string {
  const digits = phone.startsWith('+') ? phone.slice(1) : phone;
  if (!/^[1-9][0-9]{6,14}$/.test(digits)) return phone;
  const cc = digits.slice(0, countryCodeLength(digits));
  const national = digits.slice(cc.length);
  if (cc === '1' && national.length === 10) return `+1 ${national.slice(0, 3)}-${national.slice(3, 6)}-${national.slice(6)}`;
  const groups: string[] = [];
  let rest = national;
  while (rest.length > 5) {
    groups.unshift(rest.slice(-4));
    rest = rest.slice(0, -4);
  }
  if (rest) groups.unshift(rest);
  return `+${cc} ${groups.join(' ')}`;
}
