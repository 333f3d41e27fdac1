/** Who is writing: the name of the API key (recorded on what it writes) and the regions it may write. */
export interface Writer {
  name: string;
  /** CBS codes of the regions this key may write; null means every region. */
  regions: readonly string[] | null;
}

/** The regions among `regionCodes` that the writer may not touch, each once, in the order given. */
export function forbiddenRegions(writer: Writer, regionCodes: Iterable<string>): string[] {
  const allowed = writer.regions;
  if (allowed === null) return [];
  return [...new Set(regionCodes)].filter((code) => !allowed.includes(code));
}
