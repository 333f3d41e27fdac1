import { readFileSync } from 'node:fs';

/**
 * The fields of /proc/<pid>/stat after "pid (comm) " (the command name may hold spaces and parentheses): state
 * is [0], ppid [1], utime [11], stime [12], cutime [13], cstime [14], start time [19]. Throws when there is no
 * such process (or no /proc).
 */
export function statFields(pid: number | string): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}
