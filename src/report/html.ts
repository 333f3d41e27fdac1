/** Safe HTML from template literals: every interpolated value is escaped unless it is already Html. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escape = (value: unknown): string => String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]);

type Part = Html | string | number | null | undefined | readonly Part[];

function partText(part: Part): string {
  if (part === null || part === undefined) return '';
  if (part instanceof Html) return part.text;
  if (Array.isArray(part)) return (part as readonly Part[]).map(partText).join('');
  return escape(part);
}

export function html(strings: TemplateStringsArray, ...parts: Part[]): Html {
  let out = strings[0];
  parts.forEach((part, i) => {
    out += partText(part) + strings[i + 1];
  });
  return new Html(out);
}

const MONTHS = ['januari', 'februari', 'maart', 'april', 'mei', 'juni', 'juli', 'augustus', 'september', 'oktober', 'november', 'december'];

/** "2026-06" as "juni 2026". */
export const dutchMonth = (period: string): string => `${MONTHS[Number(period.slice(5, 7)) - 1]} ${period.slice(0, 4)}`;

/** "2026-06" as "jun 2026", for chart labels. */
export const shortMonth = (period: string): string => `${MONTHS[Number(period.slice(5, 7)) - 1].slice(0, 3)} ${period.slice(2, 4)}`;

/** A signed difference in Dutch: "+1.218", "−12", "0". */
export const signed = (value: number, format: (n: number) => string): string =>
  value > 0 ? `+${format(value)}` : value < 0 ? `−${format(-value)}` : '0';
