/**
 * What redis-server prints when it starts: with `always-show-logo yes` (or on a terminal) a
 * logo carrying the port and `PID: <pid>` (Redis's test framework waits for that line),
 * otherwise one line saying the same.
 */
export function startBanner(showLogo: boolean, port: number, pid: number): string[] {
  if (!showLogo) return [`Running mode=standalone, port=${port}.`];
  const art = [
    '          _.--""--._          ',
    "       .'  ()     .  '.       ",
    '      /  .      ()     \\      ',
    '     |     ()   .       |     ',
    '     |  .      ()   .   |     ',
    '      \\    ()     .    /      ',
    "       '.  .    ()  .'        ",
    "         '-.______.-'         ",
  ];
  const side = [
    'redmoon 0.1.0, Redis 7.0.15 compatible, 64 bit',
    '',
    'Running in standalone mode',
    `Port: ${port}`,
    `PID: ${pid}`,
    '',
    'Lua scripting on fengari',
    '',
  ];
  return ['', ...art.map((a, i) => `${a}   ${side[i]}`.trimEnd()), ''];
}
