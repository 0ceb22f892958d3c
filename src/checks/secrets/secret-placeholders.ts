/**
 * Values that stand in for a secret instead of holding one. Config files ship these on purpose:
 * templates the platform fills in (`${DB_PASSWORD}`, `{{ .Values.password }}`, `%(password)s`),
 * code that reads the environment (`process.env.DB_PASSWORD`, `getenv('DB_PASSWORD')`), encrypted
 * values (SOPS `ENC[…]`, Ansible `!vault`), secret-manager references (`op://…`) and "fill me in"
 * words (`changeme`, `<password>`, `xxx`). Reporting them would teach people to ignore the scan.
 *
 * Two things that look like these are credentials all the same: a literal fallback after an
 * environment lookup (`process.env.X || 'S3cr3t'`, `getenv('X') ?: 'S3cr3t'`, `os.getenv('X',
 * 'S3cr3t')`, `${X:-S3cr3t}`), which ships the credential to every environment that lacks the
 * variable; and a `$word` that is no variable reference in its format (`$ecretProd9` in .env).
 */

/** Files where `$name` of any case is a variable (PHP, Perl): there `$dbPass` is code, not a literal. */
const DOLLAR_VARIABLE_FILE = /\.(?:php\d?|phtml|inc|pl|pm)$/i;

/**
 * A `$NAME` variable reference as `file`'s format writes one: any identifier in PHP and Perl,
 * upper case elsewhere (.env, shell, YAML, compose), where `$ecretProd9` is a password that starts
 * with a dollar sign.
 */
function dollarReference(file: string): string {
  return DOLLAR_VARIABLE_FILE.test(file) ? String.raw`\$[A-Za-z_]\w*` : String.raw`\$[A-Z_][A-Z0-9_]*(?!\w)`;
}

/** Template and interpolation syntaxes, each matching the whole value (`$NAME` added per format). */
const TEMPLATES: readonly RegExp[] = [
  /^\$\([A-Za-z_]\w*\)$/, // $(VAR): Kubernetes, make
  /^\{\{.*\}\}$/, // {{ var }}: Helm, Jinja, Go templates
  /^\{%.*%\}$/, // {% … %}
  /^<%=?.*%>$/, // <%= ENV['X'] %>: ERB
  /^%\([\w.-]+\)[sdr]$/, // %(var)s: Python, Ansible ini
  /^[%#]\{[^}]+\}$/, // %{var}: Puppet, Ruby; #{var}: Ruby
  /^@[A-Za-z_]\w*@$/, // @VAR@: autoconf
  /^__[A-Z][A-Z0-9_]*__$/, // __DB_PASSWORD__: token replacement
  /^<[^<>]+>$/, // <password>
  /^\[[A-Z][A-Z0-9 _-]*\]$/, // [REDACTED], [PASSWORD]
  /^ENC\[/, // SOPS: ENC[AES256_GCM,data:…]
  /^!vault\b/, // Ansible Vault
  /^(?:op|vault|secret|secretsmanager|sm|gcpsm|awssm|azkv|ssm|kms):\/?\/?\S+$/i, // secret-manager references
  /^arn:aws:(?:secretsmanager|ssm|kms):/i,
];

/** A quoted literal: `'…'`, `"…"` or `` `…` ``, its text in group `lit`. */
const LITERAL = String.raw`(?<q>['"\x60])(?<lit>(?:(?!\k<q>)[^\\\n]|\\.)*)\k<q>`;

/** An expression that reads one environment variable, in JS, PHP, Python, Ruby, Java or C#. */
const LOOKUP = [
  String.raw`(?:process\.env|import\.meta\.env|Bun\.env)(?:\??\.[A-Za-z_]\w*|\[[^\]\n]*\])`,
  String.raw`(?:os\.environ|ENV|\$_ENV|\$_SERVER)\[[^\]\n]*\]`,
  String.raw`(?<![\w$.])(?:Deno\.env\.get|os\.getenv|os\.environ\.get|getenv|System\.getenv|Environment\.GetEnvironmentVariable|env|Env::get|ENV\.fetch)\s*\([^()\n]*\)`,
].join('|');

/** `<lookup> || 'x'`, `?? 'x'`, `?: 'x'`, `or 'x'`. */
const FALLBACK_OPERATOR = new RegExp(
  String.raw`(?<lookup>${LOOKUP})\s*(?:\|\||\?\?|\?:|\bor\b)\s*${LITERAL}`,
  'dg',
);

/** A default argument: `os.getenv('X', 'x')`, `os.environ.get('X', 'x')`, `env('X', 'x')` (Laravel), `ENV.fetch('X', 'x')`. */
const FALLBACK_ARGUMENT = new RegExp(
  String.raw`(?<![\w$.])(?:os\.getenv|os\.environ\.get|env|Env::get|ENV\.fetch|System\.getenv\(\)\.getOrDefault)\s*\(\s*(?<nq>['"])(?<name>[^'"\n]+)\k<nq>\s*,\s*${LITERAL}`,
  'dg',
);

/** Shell, compose and .env defaults: `${X:-x}`, `${X-x}`, `${X:=x}`, `${X=x}`. */
const FALLBACK_SHELL = /\$\{(?<name>[A-Za-z_]\w*):?[-=](?<lit>[^{}\n]*)\}/dg;

export interface EnvFallback {
  /** The variable looked up (`DB_PASSWORD`), or `''` when the code names it indirectly. */
  variable: string;
  /** Offsets of the fallback literal inside the text, end exclusive (quotes excluded). */
  start: number;
  end: number;
}

/** The variable a lookup expression reads: its first quoted name, else its last `.NAME`. */
function variableOf(lookup: string): string {
  return /['"\x60]([^'"\x60]+)['"\x60]/.exec(lookup)?.[1] ?? /\.([A-Za-z_]\w*)$/.exec(lookup)?.[1] ?? '';
}

/**
 * Every literal fallback after an environment lookup in `text`, placeholders excluded: the value a
 * process uses when the variable is missing, so a credential written there is committed.
 * @example findEnvFallbacks("process.env.DB_PASSWORD || 'S3cr3t'") // [{ variable: 'DB_PASSWORD', start: 28, end: 34 }]
 */
export function findEnvFallbacks(text: string, file = ''): EnvFallback[] {
  const found: EnvFallback[] = [];
  for (const re of [FALLBACK_OPERATOR, FALLBACK_ARGUMENT, FALLBACK_SHELL]) {
    for (const m of text.matchAll(re)) {
      const g = m.groups ?? {};
      const span = m.indices?.groups?.lit;
      const lit = g.lit ?? '';
      if (!span || isPlaceholder(lit, file)) continue;
      found.push({ variable: g.name ?? variableOf(g.lookup ?? ''), start: span[0], end: span[1] });
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

/** Code that reads the value at run time (JS, PHP, Python, Ruby, Java, Go, Deno…). */
const CODE =
  /^(?:process\.env\b|import\.meta\.env\b|Deno\.env\b|Bun\.env\b|os\.environ\b|os\.getenv\b|os\.Getenv\b|ENV(?:\.fetch)?\s*[[(]|System\.getenv\b|getenv\s*\(|env\s*\(|\$_(?:ENV|SERVER)\s*\[|config\s*\(|secrets?\s*[.[(]|vault\s*\(|Environment\.GetEnvironmentVariable\b)/;

/** Words that say "fill me in", compared lower-case without separators. */
const WORDS = new Set([
  'changeme',
  'changeit',
  'changethis',
  'replaceme',
  'replacethis',
  'fillme',
  'fillmein',
  'placeholder',
  'redacted',
  'removed',
  'hidden',
  'masked',
  'secret',
  'password',
  'passwd',
  'token',
  'apikey',
  'yourpassword',
  'yoursecret',
  'yourtoken',
  'yourapikey',
  'todo',
  'tbd',
  'fixme',
  'notset',
  'unset',
  'none',
  'null',
  'nil',
  'undefined',
  'empty',
  'dummy',
  'example',
  'sample',
  'true',
  'false',
]);

/**
 * Whether `raw` (a value as written, quotes removed) is a placeholder rather than a credential.
 * `file` names the format, which decides what a `$name` is (see {@link dollarReference}).
 * @example isPlaceholder('${DB_PASSWORD}') // true
 * @example isPlaceholder('hunter2-prod') // false
 * @example isPlaceholder("process.env.DB_PASSWORD || 'S3cr3t'") // false: the fallback is a credential
 */
export function isPlaceholder(raw: string, file = ''): boolean {
  const value = raw.trim();
  if (value === '') return true;
  // Only masking or filler characters: ***, xxx, ..., ???, ----.
  if (/^(?:[*.?#_-]+|x+)$/i.test(value)) return true;
  if (findEnvFallbacks(value, file).length > 0) return false;
  const dollar = dollarReference(file);
  const references = new RegExp(String.raw`^(?:\$\{[^}]*\}|${dollar})+$`); // ${VAR}, ${VAR:-}, $VAR, ${A}${B}
  if (references.test(value) || TEMPLATES.some((t) => t.test(value)) || CODE.test(value)) return true;
  // A reference inside a literal (`Bearer ${TOKEN}`, `${USER}:${PASS}`): only the reference is secret.
  const inside = new RegExp(String.raw`\$\{[^}]*\}|\{\{.*?\}\}|%\([\w.-]+\)[sdr]|${dollar}`, 'g');
  const rest = value.replace(inside, '\0');
  if (rest.includes('\0')) {
    const literal = rest.replace(/\0/g, '').replace(/[\s:/@.,;=-]/g, '');
    if (literal.length < 4 || /^(?:bearer|basic|token|bot|apikey)$/i.test(literal)) return true;
  }
  const word = value.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (WORDS.has(word)) return true;
  // your-password-here, put_your_token_here, <your api key> without its brackets.
  return (
    /^(?:your|enter|insert|put|set)[-_ .]/i.test(value) ||
    /[-_ .]here$/i.test(value) ||
    /^(?:your|my)[-_ .]?(?:db[-_ .]?)?(?:password|passwd|pass|secret|token|api[-_ .]?key|key)$/i.test(value)
  );
}
