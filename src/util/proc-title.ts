/**
 * proc-title-template (Redis's sdstemplate and expandProcTitleTemplate): `{name}` is
 * replaced by a variable's value, `{{` stands for `{`; an unknown variable, a `{` at the end
 * or a `{` without its `}` makes the whole template invalid.
 */

/** The values a template may use; Redis knows exactly these names. */
export interface ProcTitleVars {
  title: string;
  'listen-addr': string;
  'server-mode': string;
  'config-file': string;
  port: string;
  'tls-port': string;
  unixsocket: string;
}

/** The expanded title, trimmed of spaces, or null when the template is invalid. */
export function expandProcTitle(template: string, vars: ProcTitleVars): string | null {
  let out = '';
  let p = 0;
  while (p < template.length) {
    const open = template.indexOf('{', p);
    if (open < 0) {
      out += template.slice(p);
      break;
    }
    out += template.slice(p, open);
    if (open + 1 >= template.length) return null;
    if (template[open + 1] === '{') {
      out += '{';
      p = open + 2;
      continue;
    }
    const close = template.indexOf('}', open + 1);
    if (close < 0) return null;
    const name = template.slice(open + 1, close);
    if (!Object.prototype.hasOwnProperty.call(vars, name)) return null;
    out += vars[name as keyof ProcTitleVars];
    p = close + 1;
  }
  return out.replace(/^ +| +$/g, '');
}

/**
 * CONFIG SET's check (validateProcTitleTemplate): it expands, to something not empty, with
 * an empty title. The address, ports and config file are never empty in Redis; the server
 * mode is for a standalone server, and the unix socket is taken as unset.
 */
export function validProcTitleTemplate(template: string): boolean {
  const r = expandProcTitle(template, { title: '', 'listen-addr': '*:0', 'server-mode': '', 'config-file': '-', port: '0', 'tls-port': '0', unixsocket: '' });
  return r !== null && r.length !== 0;
}
