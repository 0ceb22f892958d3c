import { afterAll, describe, expect, it } from 'vitest';
import { SecretPatternError } from '../../src/checks/secrets/custom-pattern-rule.ts';
import { isCredentialKey } from '../../src/checks/secrets/key-value-rule.ts';
import { isPlaceholder } from '../../src/checks/secrets/secret-placeholders.ts';
import { describeFinding, describeFindings, scanSecrets } from '../../src/checks/secrets/secret-scan.ts';
import { Target } from '../../src/model/runbook.ts';
import { tempDirs, thrown, writeTree } from './helpers.ts';

const dirs = tempDirs();
afterAll(() => dirs.cleanup());

// Values a real deployment could hold; each appears once per fixture so a leak is attributable.
const V = {
  env: 'envPw-7Rk2q',
  secret: 'sec-Zt81mN4p',
  toml: 'tomlPw-3vX9a',
  php: 'wikiPw-5Lq8e',
  wp: 'wpPw-2Hc6t',
  yaml: 'yamlPw-8Jm3w',
  json: 'jsonPw-4Dn7y',
  js: 'jsKey-6Bp1s',
  compose: 'composePw-9Gv4k',
  k8s: 'k8sPw-1Qs5r',
  mariadb: 'mariaPw-7Wx2c',
  asyncpg: 'asyncPw-3Ty8u',
  https: 'httpsPw-5Nb6o',
  query: 'queryPw-2Kf9l',
  second: 'secondPw-8Mr3h',
};

/** One file per format, each leaking exactly the credential its comment names. */
const LEAKY: Record<string, string> = {
  '.env': `# app settings\nNODE_ENV=production\nDB_PASSWORD=${V.env}\nexport SECRET=${V.secret}\n`,
  'config/app.toml': `[database]\nuser = "app"\npassword = "${V.toml}"\n`,
  'LocalSettings.php': `<?php\n$wgDBserver = "db";\n$wgDBpassword = '${V.php}';\n`,
  'wp-config.php': `<?php\ndefine( 'DB_NAME', 'wp' );\ndefine( 'DB_PASSWORD', '${V.wp}' );\n`,
  'config/app.yml': `database:\n  host: db\n  password: ${V.yaml}\n`,
  'config/app.json': `{\n  "db": { "user": "app", "password": "${V.json}" }\n}\n`,
  'config/app.js': `module.exports = {\n  region: 'eu',\n  apiKey: '${V.js}',\n};\n`,
  'docker-compose.yml': `services:\n  db:\n    environment:\n      - POSTGRES_PASSWORD=${V.compose}\n`,
  'k8s/deploy.yaml': `env:\n  - name: DB_PASSWORD\n    value: "${V.k8s}"\n`,
  'urls.env': [
    `MARIADB_URL=mariadb://root:${V.mariadb}@db:3306/app`,
    `ASYNC_URL=postgresql+asyncpg://app:${V.asyncpg}@db/app`,
    `WEBHOOK=https://hook:${V.https}@hooks.example.com/in`,
    `REPORT_URL=https://reports.example.com/feed?user=ops&password=${V.query}`,
    `MIRRORS=redis://:\${REDIS_PASSWORD}@c1/0 redis://:${V.second}@c2/0`,
  ].join('\n'),
};

/** The same files as templates teams commit: every value a placeholder. */
const CLEAN: Record<string, string> = {
  '.env': `DB_PASSWORD=changeme\nexport SECRET=\${SECRET}\nAPI_TOKEN=\nPWD=/srv/app\n`,
  'config/app.toml': 'password = "<password>"\npassword_min_length = 12\n',
  'LocalSettings.php': "<?php\n$wgDBpassword = getenv('WG_DB_PASSWORD');\n",
  'wp-config.php': "<?php\ndefine( 'DB_PASSWORD', 'password_here' );\n",
  'config/app.yml': 'database:\n  password: "{{ db_password }}"\n  password_file: /run/secrets/db\n',
  'config/app.json': `{ "password": "\${DB_PASSWORD}", "token": "***", "max_tokens": 512,\n  "secretsManager": { "region": "eu" } }\n`,
  'config/app.js': `module.exports = { apiKey: process.env.API_KEY, password: dbPassword,\n  token: \`Bearer \${TOKEN}\` };\n`,
  'docker-compose.yml': 'services:\n  db:\n    environment:\n      - POSTGRES_PASSWORD=$POSTGRES_PASSWORD\n',
  'k8s/deploy.yaml':
    'env:\n  - name: DB_PASSWORD\n    valueFrom: { secretKeyRef: { name: db, key: password } }\n',
  'urls.env': [
    `MARIADB_URL=mariadb://root:\${MARIADB_PASSWORD}@db:3306/app`,
    'ASYNC_URL=postgresql+asyncpg://app:%(db_password)s@db/app',
    'WEBHOOK=https://hook:xxx@hooks.example.com/in',
    'REPORT_URL=https://reports.example.com/feed?user=ops&password=<password>',
    'SETTINGS=ini password = %(pw)s',
  ].join('\n'),
};

const FILES = ['.env', 'urls.env', 'config/*', '*.php', 'docker-compose.yml', 'k8s/*.yaml'];

describe('secret scan of real config formats', () => {
  it('finds KEY=value credentials, credentialed URLs of any scheme, query passwords and a second URL, naming file:line and rule', async () => {
    const root = writeTree(dirs.make(), LEAKY);
    const r = await scanSecrets({ files: FILES, root });
    const lines = r.findings.map((f) => `${f.file}:${f.line} ${f.rule} ${f.excerpt}`);
    expect(lines).toEqual([
      '.env:3 rollgate/key-value-credentials DB_PASSWORD=***',
      '.env:4 rollgate/key-value-credentials export SECRET=***',
      "LocalSettings.php:3 rollgate/key-value-credentials $wgDBpassword = '***",
      "config/app.js:3 rollgate/key-value-credentials   apiKey: '***",
      'config/app.json:2 rollgate/key-value-credentials   "db": { "user": "app", "password": "***',
      'config/app.toml:3 rollgate/key-value-credentials password = "***',
      'config/app.yml:3 rollgate/key-value-credentials   password: ***',
      'docker-compose.yml:4 rollgate/key-value-credentials       - POSTGRES_PASSWORD=***',
      'k8s/deploy.yaml:3 rollgate/key-value-credentials     value: "***',
      'urls.env:1 rollgate/url-credentials MARIADB_URL=mariadb://root:***',
      'urls.env:2 rollgate/url-credentials ASYNC_URL=postgresql+asyncpg://app:***',
      'urls.env:3 rollgate/url-credentials WEBHOOK=https://hook:***',
      'urls.env:4 rollgate/query-credentials …PORT_URL=https://reports.example.com/feed?user=ops&password=***',
      'urls.env:5 rollgate/url-credentials MIRRORS=redis://:***@c1/0 redis://:***',
      "wp-config.php:3 rollgate/key-value-credentials define( 'DB_PASSWORD', '***",
    ]);
    expect(describeFinding(r.findings[0]!)).toBe(
      '.env:3:13 rollgate/key-value-credentials: found a literal value for DB_PASSWORD; take it from a secret store or an environment variable (DB_PASSWORD=***)',
    );
    const text = JSON.stringify(r);
    for (const value of Object.values(V)) expect(text).not.toContain(value);
  });

  it(`reports no placeholder: changeme, \${VAR}, $VAR, <password>, {{ var }}, %(var)s, xxx, ***, empty, process.env.X, getenv()`, async () => {
    const root = writeTree(dirs.make(), CLEAN);
    const r = await scanSecrets({ files: FILES, root });
    expect(r.files).toHaveLength(Object.keys(CLEAN).length);
    expect(r.findings.map(describeFinding)).toEqual([]);
    expect(r.measurement).toMatchObject({ passed: true, actual: 0 });
  });

  it('issue 9 item 10: the HOLD line counts every finding ("4 shown, 11 more in the evidence") and the evidence lists all, masked', async () => {
    const root = writeTree(dirs.make(), LEAKY);
    const r = await scanSecrets({ files: FILES, root });
    const reason = describeFindings(r.findings);
    const [first, ...listed] = reason.split('\n');
    expect(first).toBe(
      '15 credentials in config files, 4 shown, 11 more in the evidence (values masked; move them to the secret store):',
    );
    expect(listed).toEqual(r.findings.slice(0, 4).map(describeFinding));
    expect(listed[0]).toMatch(/^\.env:3:13 rollgate\/key-value-credentials: /);
    // All fit: no "shown" clause.
    expect(describeFindings(r.findings.slice(0, 2)).split('\n')[0]).toBe(
      '2 credentials in config files (values masked; move them to the secret store):',
    );
    for (const value of Object.values(V)) expect(reason).not.toContain(value);
  });

  it('names keys that hold credentials, and not those that only mention one', () => {
    for (const key of ['DB_PASSWORD', '$wgDBpassword', 'apiKey', 'SECRET_KEY_BASE', 'smtp_pass', 'db.pwd']) {
      expect(isCredentialKey(key), key).toBe(true);
    }
    for (const key of ['PASSWORD_FILE', 'TOKEN_URL', 'AWS_ACCESS_KEY_ID', 'max_tokens', 'PWD', 'bypass']) {
      expect(isCredentialKey(key), key).toBe(false);
    }
  });
});

describe('literal fallbacks after an environment lookup, and $NAME by format', () => {
  const PW = 'S3cr3tProd!';
  const LEAKS: Record<string, string> = {
    'config/db.js': `module.exports = {\n  host: process.env.DB_HOST || 'db',\n  password: process.env.DB_PASSWORD || '${PW}',\n};\n`,
    'config/db.php': `<?php\nreturn [\n  'password' => getenv('DB_PASSWORD') ?: '${PW}',\n];\n`,
    'settings.py': `DEBUG = False\nPASSWORD = os.getenv('X', '${PW}')\n`,
    'src/token.ts': `export const apiToken = process.env.X ?? "${PW}";\n`,
    'docker-compose.yml': `services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: \${POSTGRES_PASSWORD:-${PW}}\n`,
    '.env': 'NODE_ENV=production\nDB_PASSWORD=$ecretProd9\n',
  };
  /** The same lookups without a fallback (or with a placeholder one), and real variable references. */
  const CLEAN: Record<string, string> = {
    'config/db.js':
      "module.exports = {\n  port: process.env.PORT || '5432',\n  password: process.env.DB_PASSWORD,\n};\n",
    'config/db.php':
      "<?php\nreturn [\n  'password' => getenv('DB_PASSWORD'),\n  'token' => getenv('TOKEN') ?: '',\n];\n$password = \"$dbPass\";\n",
    'settings.py': "PASSWORD = os.getenv('X')\nSECRET_KEY = os.environ.get('SECRET_KEY') or 'changeme'\n",
    'src/token.ts': 'export const apiToken = process.env.X;\n',
    'docker-compose.yml': `services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: "\${POSTGRES_PASSWORD:-}"\n      PGPASSWORD: $POSTGRES_PASSWORD\n`,
    '.env': `DB_PASSWORD=$DB_PASSWORD\nSECRET=\${SECRET}\n`,
  };
  const files = ['config/*', 'settings.py', 'src/*.ts', 'docker-compose.yml', '.env'];

  it(`finds the fallback literal (process.env.X || '…', getenv() ?: '…', os.getenv('X', '…'), ?? "…", \${X:-…}) and $ecretProd9 in .env, naming file:line and rule, masked`, async () => {
    const r = await scanSecrets({ files, root: writeTree(dirs.make(), LEAKS) });
    const lines = r.findings.map((f) => `${f.file}:${f.line} ${f.rule} ${f.excerpt}`);
    expect(lines).toEqual([
      '.env:2 rollgate/key-value-credentials DB_PASSWORD=***',
      "config/db.js:3 rollgate/key-value-credentials   password: process.env.DB_PASSWORD || '***",
      "config/db.php:3 rollgate/key-value-credentials   'password' => getenv('DB_PASSWORD') ?: '***",
      'docker-compose.yml:4 rollgate/key-value-credentials       POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:-***',
      "settings.py:2 rollgate/key-value-credentials PASSWORD = os.getenv('X', '***",
      'src/token.ts:1 rollgate/key-value-credentials export const apiToken = process.env.X ?? "***',
    ]);
    const js = r.findings.find((f) => f.file === 'config/db.js')!;
    expect(describeFinding(js)).toBe(
      "config/db.js:3:41 rollgate/key-value-credentials: found a literal fallback for password after an environment lookup; drop the fallback so a missing variable fails instead of using a committed credential (  password: process.env.DB_PASSWORD || '***)",
    );
    const text = JSON.stringify(r);
    expect(text).not.toContain(PW);
    expect(text).not.toContain('ecretProd9');
  });

  it("reports no pure lookup (process.env.X, getenv('X'), os.getenv('X')), no placeholder fallback, no $UPPER_CASE in .env/YAML, no $var in PHP", async () => {
    const r = await scanSecrets({ files, root: writeTree(dirs.make(), CLEAN) });
    expect(r.files).toHaveLength(Object.keys(CLEAN).length);
    expect(r.findings.map(describeFinding)).toEqual([]);
  });

  it('isPlaceholder: a lookup with a literal fallback is not one; $NAME is a reference only as the format writes one', () => {
    for (const v of [
      "process.env.X || 'S3cr3tProd!'",
      "getenv('X') ?: 'S3cr3tProd!'",
      "os.getenv('X', 'S3cr3tProd!')",
    ])
      expect(isPlaceholder(v), v).toBe(false);
    for (const v of ['process.env.X', "getenv('X')", "os.getenv('X')", "process.env.X || ''", '$DB_PASSWORD'])
      expect(isPlaceholder(v), v).toBe(true);
    expect(isPlaceholder('$ecretProd9', '.env')).toBe(false);
    expect(isPlaceholder('$ecretProd9', 'config/app.yml')).toBe(false);
    expect(isPlaceholder('$dbPass', 'config/db.php')).toBe(true);
  });
});

describe('runbook secretPatterns', () => {
  const patterns = [
    {
      id: 'acme-license',
      pattern: 'ACME_LICENSE=(?<secret>ACME-[0-9A-F]{12})',
      message: 'ACME licence keys belong in the vault',
    },
  ];

  it("adds the runbook's own rule: finding named custom/<id> with its message, placeholders excluded", async () => {
    const root = writeTree(dirs.make(), {
      'app.env': 'MODE=x\nACME_LICENSE=ACME-0123456789AB\n',
      'example.env': 'ACME_LICENSE=<license>\n',
    });
    const r = await scanSecrets({ files: ['*.env'], root, patterns });
    expect(r.findings.map(describeFinding)).toEqual([
      'app.env:2:14 custom/acme-license: ACME licence keys belong in the vault (ACME_LICENSE=***)',
    ]);
    expect(JSON.stringify(r)).not.toContain('ACME-0123456789AB');
  });

  it('validates patterns as part of the target, naming entry and field', async () => {
    const parsed = Target.safeParse({
      secretPatterns: [
        { id: 'Bad Id', pattern: '(' },
        { id: 'empty', pattern: 'x*' },
      ],
    });
    expect(parsed.success).toBe(false);
    const messages = parsed.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(messages).toEqual([
      'secretPatterns.0.id: must be lower-case letters, digits and dashes, such as acme-license',
      'secretPatterns.0.pattern: is not a valid regular expression',
      'secretPatterns.1.pattern: matches the empty string, so it would report every line; make it match the secret itself',
    ]);
    expect(Target.parse({ secretPatterns: patterns }).secretPatterns).toEqual(patterns);
    const error = await thrown(() =>
      scanSecrets({
        files: ['*.env'],
        root: writeTree(dirs.make(), { 'a.env': '' }),
        patterns: [{ id: 'x' }],
      }),
    );
    expect(error).toBeInstanceOf(SecretPatternError);
    expect(error.message).toBe(
      'target secretPatterns 0.pattern: Invalid input: expected string, received undefined',
    );
  });
});
