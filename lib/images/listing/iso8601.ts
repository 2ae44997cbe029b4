// ISO 8601 as Glance reads filter timestamps (oslo timeutils.parse_isotime,
// i.e. the `iso8601` package): date-only, basic or extended forms, optional
// fraction and offset; no offset means UTC. Anything else is not a date.
const ISO8601 = new RegExp(
  '^(?<year>[0-9]{4})' +
    '(' +
    '((-(?<monthdash>[0-9]{1,2}))|(?<month>[0-9]{2})(?!$))' +
    '(' +
    '((-(?<daydash>[0-9]{1,2}))|(?<day>[0-9]{2}))' +
    '(' +
    '([ T](?<hour>[0-9]{2})(:?(?<minute>[0-9]{2}))?' +
    '(:?(?<second>[0-9]{1,2})([.,](?<fraction>[0-9]+))?)?' +
    '(?<tz>Z|((?<tzSign>[-+])(?<tzHour>[0-9]{2}):?(?<tzMinute>[0-9]{2})?))?' +
    ')?' +
    ')' +
    ')?' +
    ')?$',
);

/** The instant, or null when Glance would reject the text. */
export function parseIsoTime(text: string): Date | null {
  const parts = ISO8601.exec(text)?.groups;
  if (!parts) return null;
  const year = Number(parts.year);
  const month = Number(parts.monthdash ?? parts.month ?? 1);
  const day = Number(parts.daydash ?? parts.day ?? 1);
  const hour = Number(parts.hour ?? 0);
  const minute = Number(parts.minute ?? 0);
  const second = Number(parts.second ?? 0);
  const ms = parts.fraction ? Math.floor(Number(`0.${parts.fraction}`) * 1000) : 0;
  // Python's datetime() refuses out-of-range fields instead of rolling over.
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59 || year < 1) return null;
  const check = new Date(0);
  check.setUTCFullYear(year, month - 1, day); // not Date.UTC: it maps years 0-99 to 19xx
  check.setUTCHours(hour, minute, second, ms);
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1) return null;
  const utc = check.getTime();
  let offsetMinutes = 0;
  if (parts.tzSign) {
    const tzHour = Number(parts.tzHour);
    const tzMinute = Number(parts.tzMinute ?? 0);
    if (tzHour > 23 || tzMinute > 59) return null;
    offsetMinutes = (parts.tzSign === '-' ? -1 : 1) * (tzHour * 60 + tzMinute);
  }
  return new Date(utc - offsetMinutes * 60_000);
}
