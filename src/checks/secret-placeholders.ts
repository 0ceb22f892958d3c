/**
 * Values that stand in for a secret instead of holding one. Config files ship these on purpose:
 * templates the platform fills in (`${DB_PASSWORD}`, `{{ .Values.password }}`, `%(password)s`),
 * code that reads the environment (`process.env.DB_PASSWORD`, `getenv('DB_PASSWORD')`), encrypted
 * values (SOPS `ENC[…]`, Ansible `!vault`), secret-manager references (`op://…`) and "fill me in"
 * words (`changeme`, `<password>`, `xxx`). Reporting them would teach people to ignore the scan.
 */

/** Template and interpolation syntaxes, each matching the whole value. */
const TEMPLATES: readonly RegExp[] = [
  /^(?:\$\{[^}]*\}|\$[A-Za-z_]\w*)+$/, // ${VAR}, ${VAR:-x}, $VAR, ${A}${B}
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
 * @example isPlaceholder('${DB_PASSWORD}') // true
 * @example isPlaceholder('hunter2-prod') // false
 */
export function isPlaceholder(raw: string): boolean {
  const value = raw.trim();
  if (value === '') return true;
  // Only masking or filler characters: ***, xxx, ..., ???, ----.
  if (/^(?:[*.?#_-]+|x+)$/i.test(value)) return true;
  if (TEMPLATES.some((t) => t.test(value)) || CODE.test(value)) return true;
  // A reference inside a literal (`Bearer ${TOKEN}`, `${USER}:${PASS}`): only the reference is secret.
  const rest = value.replace(/\$\{[^}]*\}|\{\{.*?\}\}|%\([\w.-]+\)[sdr]|\$[A-Z_][A-Z0-9_]*/g, '\0');
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
