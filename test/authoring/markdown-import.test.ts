import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseBlocks, splitRow } from '../../src/config/markdown/blocks.ts';
import { plainText } from '../../src/config/markdown/inline.ts';
import { budgetName, parseStatement } from '../../src/config/markdown/metric-lines.ts';
import { outlineMarkdown } from '../../src/config/markdown/outline.ts';
import { STAGE_HEADING } from '../../src/config/markdown/render-format.ts';
import { stageOfHeading } from '../../src/config/markdown/stages.ts';
import { maskCredentials } from '../../src/engine/coverage/import-mask.ts';
import { type ImportOutput, importMarkdown } from '../../src/engine/coverage/import-runbook.ts';
import { scanPlaceholders } from '../../src/engine/coverage/placeholder-scan.ts';
import { checkIdentity } from '../../src/engine/identity.ts';
import type { Runbook } from '../../src/model/runbook.ts';

/**
 * Issue 13, `rollgate import`: a markdown deployment plan read into stages, source items,
 * sign-offs, placeholders and budgets, in process (the CLI, validate and gate are in
 * import-cli.test.ts). The fixtures are plans of our own, shaped like real ones.
 */

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/markdown');
const read = (f: string) => readFileSync(path.join(FIXTURES, f), 'utf8');
/** Passwords, keys and tokens planted in the fixtures: none may reach anything import writes. */
const PLANTED = [
  'Hx7-quill-Marrow-93',
  'kx9-Plover-Tansy-4417',
  'tk_live_Wren88Gull',
  'Vellum-Sprocket-5521',
  'sk-Quarry-Lattice-0077',
  'qk_prod_Ostrich71Kettle',
];

const items = (rb: Runbook) => rb.sources.flatMap((s) => s.items);
const budgets = (rb: Runbook, stage: string) =>
  rb.stages[stage]!.budgets.map((b) => `${b.name} ${b.operator} ${b.value}${b.unit ? ` ${b.unit}` : ''}`);

describe('the markdown reader', () => {
  it('reads headings (ATX and setext), nested task lists, tables, fences and skips fenced headings', () => {
    const blocks = parseBlocks(
      [
        'Title',
        '=====',
        '',
        '## 🚀 Stage 1: Staging',
        '- [ ] top **item**',
        '  continued on the next line',
        '  - [x] nested',
        '1. [ ] numbered',
        '',
        '```bash',
        '# not a heading',
        'echo hi',
        '```',
        '',
        '| Metric | Target |',
        '| --- | :---: |',
        '| Error \\| rate | < 1% |',
      ].join('\n'),
    );
    expect(blocks.map((b) => b.type)).toEqual([
      'heading',
      'heading',
      'list-item',
      'list-item',
      'list-item',
      'code',
      'table',
    ]);
    expect(blocks[0]).toMatchObject({ level: 1, text: 'Title' });
    expect(blocks[2]).toMatchObject({
      task: 'open',
      indent: 0,
      text: 'top **item** continued on the next line',
    });
    expect(blocks[3]).toMatchObject({ task: 'done', indent: 2, text: 'nested' });
    expect(blocks[4]).toMatchObject({ task: 'open', ordered: true, text: 'numbered' });
    expect(blocks[5]).toMatchObject({ lang: 'bash', text: '# not a heading\necho hi' });
    expect(blocks[6]).toMatchObject({
      header: ['Metric', 'Target'],
      rows: [{ cells: ['Error | rate', '< 1%'] }],
    });
    expect(splitRow('| a \\\\| b |')).toEqual(['a \\', 'b']);
  });

  it('keeps what a person reads of a line: link text, code, words; no emphasis, emoji or tags', () => {
    expect(plainText('✅ **All tests** pass (see [CI](https://ci.example.invalid)) on `main`<br>')).toBe(
      'All tests pass (see CI) on main',
    );
    // A masked credential is not emphasis.
    expect(plainText('secret: ***, and *this* _too_ but not snake_case_words')).toBe(
      'secret: ***, and this too but not snake_case_words',
    );
  });

  it('names stages from headings, and leaves sections alone', () => {
    const stage = (t: string) => stageOfHeading(t, STAGE_HEADING);
    expect(stage('Stage 2: Canary Deployment (Day 2)')).toBe('canary');
    expect(stage('Phase 1: Canary Deployment (5% Traffic)')).toBe('canary');
    expect(stage('Phase 3: Full Rollout (100%)')).toBe('production');
    expect(stage('Staging Verification')).toBe('staging');
    expect(stage('Post-Deployment Verification')).toBe('post-deployment');
    expect(stage('Pre-Deployment Checklist')).toBe('preflight');
    expect(stage('Stage: canary-soak')).toBe('canary-soak');
    expect(stage('Phase 4: Cleanup')).toBe('cleanup');
    for (const section of [
      'Code Readiness',
      'Canary Metrics',
      'Production Readiness',
      'Rollback Plan',
      'Step 2: Run the migrations',
    ])
      expect(stage(section), section).toBeUndefined();
  });

  it('reads metric statements into budget names, operators and values, and refuses relative ones', () => {
    expect(budgetName('Response Time (p95)').name).toBe('p95-latency');
    expect(budgetName('95th percentile latency').name).toBe('p95-latency');
    expect(budgetName('Largest Contentful Paint').name).toBe('lcp');
    expect(budgetName('CPU Usage').name).toBe('cpu-usage');
    expect(budgetName('Checkout conversion')).toEqual({ name: 'checkout-conversion', known: false });
    expect(parseStatement('Error rate > 1% → CRITICAL')).toMatchObject({
      name: 'error-rate',
      level: 'critical',
      condition: { operator: '>', value: 1, unit: '%' },
    });
    expect(parseStatement('Response time p95 > 1s -> WARN')).toMatchObject({
      name: 'p95-latency',
      level: 'warn',
      condition: { operator: '>', value: 1, unit: 's' },
    });
    expect(parseStatement('**Error Rate:** Target < 0.1%, Alert > 0.5%')).toMatchObject({
      name: 'error-rate',
      condition: { operator: '<', value: 0.1, unit: '%' },
      more: [{ label: 'alert', condition: { operator: '>', value: 0.5 } }],
    });
    expect(parseStatement('Error rate exceeds 2% for 5 minutes')).toMatchObject({
      condition: { operator: '>', value: 2, unit: '%' },
    });
    expect(parseStatement('Conversion within 2% of baseline')).toBeUndefined();
    expect(parseStatement('All unit tests pass')).toBeUndefined();
  });
});

describe('outlining a plan', () => {
  const lantern = outlineMarkdown(read('lantern-rollout.md'), 'lantern-rollout.md');

  it('makes stages from its stage headings, in order, named lower-case-dash', () => {
    expect(lantern.title).toBe('Lantern Booking Service: Production Rollout Plan');
    expect(lantern.stages.map((s) => s.name)).toEqual([
      'preflight',
      'staging',
      'canary',
      'production',
      'post-deployment',
    ]);
    expect(lantern.stages[2]!.title).toBe('Stage 2: Canary Deployment (5% Traffic, Day 2)');
  });

  it('records every checklist line, metric row, threshold, criterion and step, each once, none dropped', () => {
    const labels = lantern.items.map((i) => i.label);
    expect(labels).toHaveLength(45);
    expect(new Set(labels).size).toBe(45);
    // Nested and numbered task lines, [x] and [ ].
    expect(labels).toContain('Replica alarms routed to the platform pager');
    expect(labels).toContain('Notify customer support of the rollout window');
    expect(labels).toContain('All unit and integration tests green on main');
    // Metric rows: the target and the alert threshold are two items.
    expect(
      lantern.items.filter((i) => i.label.startsWith('Error Rate:')).map((i) => [i.label, i.kind]),
    ).toEqual([
      ['Error Rate: Target < 0.1%', 'metric'],
      ['Error Rate: Alert Threshold > 0.5%', 'threshold'],
    ]);
    // A cell that cannot be read is an item with a placeholder, not dropped.
    const conversion = lantern.items.find(
      (i) => i.label === 'Checkout conversion: Target within 2% of baseline',
    )!;
    expect(conversion.encode).toMatchObject({
      as: 'placeholder',
      hint: expect.stringContaining('could not read'),
    });
    const kinds = (k: string) => lantern.items.filter((i) => i.kind === k).map((i) => i.label);
    expect(kinds('rollback')).toEqual([
      'Error rate exceeds 2% for 5 minutes',
      'Payment failures above 0.5%',
      'Any data corruption reported by the reconciliation job',
    ]);
    expect(kinds('step')).toContain('Deploy release 3.2 to staging with the migration');
    expect(kinds('threshold')).toContain('Queue consumers stalled → CRITICAL');
    // Sections are heading paths below the title.
    expect(lantern.items[0]!.section).toBe('Pre-Deployment Checklist / Code Readiness');
  });

  it('makes approvals, notifications and people sign-offs with a reason, everything else placeholders', () => {
    const signoffs = lantern.items.filter((i) => i.encode.as === 'signoff').map((i) => i.label);
    expect(signoffs).toEqual([
      'Security team approval for the new payment webhook',
      'Notify customer support of the rollout window',
      'Announce the maintenance banner in the #releases channel',
      'Legal sign-off on the updated cancellation terms',
      'Stakeholders informed after each step',
      'Success metrics reviewed after 24 hours with the product team',
    ]);
    const security = lantern.items.find((i) => i.label.startsWith('Security team'))!;
    expect(security.encode).toMatchObject({
      role: 'security',
      reason: 'a decision or an action of people, not a state of the deployment',
    });
  });

  it('makes a line naming something observable a placeholder, even when it names a policy, a team or a notice', () => {
    const observable = [
      'Content Security Policy header present',
      'Rate limiting policy enforced',
      'CORS policy restricts origins',
      'Error rate alert notifies the team',
      'Information disclosure: no stack traces',
      'Team page loads under 2s',
      'GDPR export endpoint returns the test customer’s data',
      'Alert notifies the on-call team',
    ];
    const people = [
      'Security review approved for the CSP header change',
      'Notify customer support of the rollout window',
      'Inform all stakeholders of the schedule',
      'Users notified of the maintenance window',
      'Support team briefed on the new refund flow',
      'Results reviewed with the product team',
      'On-call schedule confirmed for the weekend',
      'Pager handover acknowledged',
      'Privacy policy updated for the new tracker',
      'Terms of service changes cleared',
      'GDPR data processing agreement in place',
    ];
    const plan = outlineMarkdown(
      [
        '# Plan',
        '',
        '## Staging Verification',
        '',
        ...[...observable, ...people].map((l) => `- [ ] ${l}`),
      ].join('\n'),
      'plan.md',
    );
    const as = (label: string) => plan.items.find((i) => i.label === label)?.encode.as;
    for (const l of observable) expect(as(l), l).toBe('placeholder');
    for (const l of people) expect(as(l), l).toBe('signoff');
    expect(plan.items.find((i) => i.label.startsWith('Privacy policy'))!.encode).toMatchObject({
      role: 'legal',
      reason: 'a decision or an action of people, not a state of the deployment',
    });
  });
  it('turns targets into budgets on their stage, monitoring targets and CRITICAL thresholds into every stage’s, WARN into items only', () => {
    expect(lantern.stages.find((s) => s.name === 'canary')!.budgets).toEqual([
      { name: 'error-rate', operator: '<', value: 0.005, unit: 'ratio' },
      { name: 'p95-latency', operator: '<', value: 300, unit: 'ms' },
      { name: 'lcp', operator: '<', value: 2500, unit: 'ms' },
      { name: 'cpu-usage', operator: '<', value: 70, unit: '%' },
    ]);
    expect(lantern.budgets).toEqual([
      { name: 'availability', operator: '>=', value: 99.9, unit: '%' },
      // "Error rate > 1% → CRITICAL" is the budget's complement.
      { name: 'error-rate', operator: '<=', value: 0.01, unit: 'ratio' },
    ]);
    const warn = lantern.items.find((i) => i.label === 'Memory usage > 85% → WARN')!;
    expect(warn).toMatchObject({
      kind: 'threshold',
      encode: { as: 'placeholder', hint: expect.stringContaining('WARN') },
    });
    expect(
      lantern.budgets.concat(...lantern.stages.map((s) => s.budgets)).some((b) => b.name === 'memory-usage'),
    ).toBe(false);
  });

  it('keeps shell blocks under their stage and notes what it left out', () => {
    const quill = outlineMarkdown(read('quill-release.md'), 'quill-release.md');
    expect(quill.stages.map((s) => s.name)).toEqual(['preflight', 'staging', 'canary', 'production']);
    expect(quill.stages.find((s) => s.name === 'production')!.shell[0]!.text).toContain('curl -X POST');
    expect(quill.notes).toEqual([
      'line 18: a env code block: not shell, left out',
      'line 69: a table (Role | Name | Channel) with no metric and target or threshold columns, left out',
    ]);
    expect(quill.stages.find((s) => s.name === 'staging')!.budgets).toEqual([
      { name: 'error-rate', operator: '<', value: 0.001, unit: 'ratio' },
      { name: 'p99-latency', operator: '<', value: 1200, unit: 'ms' },
      { name: 'throughput', operator: '>=', value: 150, unit: 'req/s' },
    ]);
    expect(quill.items.filter((i) => i.kind === 'criterion').map((i) => i.label)).toEqual([
      'Error rate stays below 0.2% for 24 hours',
      'Zero settlement mismatches in the nightly reconciliation',
      'Support tickets about transfers at the usual level',
    ]);
  });
});

describe('credentials in a plan', () => {
  it('are masked: URL passwords keep scheme, user and host; assignments and Bearer tokens lose their value', async () => {
    const m = await maskCredentials(
      [
        'url postgres://app:Vellum-Sprocket-5521@db:5432/app here',
        'export SECRET_KEY=sk-Quarry-Lattice-0077',
        'PASSWORD="p4ss-Wyvern-88"',
        'curl -H "Authorization: Bearer qk_prod_Ostrich71Kettle"',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a placeholder in the plan's text, not a JS template
        'DB_PASSWORD=${DB_PASSWORD} and a Bearer <token> stay',
      ].join('\n'),
      'plan.md',
    );
    expect(m.text).toBe(
      [
        'url postgres://app:***@db:5432/app here',
        'export SECRET_KEY=***',
        'PASSWORD="***"',
        'curl -H "Authorization: Bearer ***"',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a placeholder in the plan's text, not a JS template
        'DB_PASSWORD=${DB_PASSWORD} and a Bearer <token> stay',
      ].join('\n'),
    );
    expect(m.values).toHaveLength(4);
  });

  it('are masked in each shape of shell command, header and token, readable around the value', async () => {
    // Planted values of our own, each in a shape the secret scan (secretlint's preset and
    // rollgate's rules) or import's own command shapes know; none is a documentation example.
    const basic = Buffer.from('ops:Heron-Teapot-2231').toString('base64');
    const ghp = `ghp_${'Lw3Rt7Yp1Kd9Qs5Vn2Bx8Hm4Jc6Fz0Ga1Te3U'.slice(0, 36)}`;
    const npm = `npm_${'Pq7Wd2Lk9Ms4Xt1Rb6Vc3Nh8Jg5Fy0Ze2Ua4IoQ7Sk'.slice(0, 36)}`;
    const slack = 'xoxb-4417902381-5521093847-Gk7Tz2Wq9Lm4Xr8Vb1Nc';
    const awsSet = 'Zq4vR8tLm2Xn6Pw1Ks9Dh3Jf7Gb5Yc0Ae8Ui2Oo4';
    const awsEnv = 'Tn3Kp8Wd1Rm6Xq9Ls4Vb7Hc2Jf5Gz0Ya8Ue1Io6E';
    expect([ghp, npm].map((t) => t.length)).toEqual([40, 40]);
    expect([awsSet, awsEnv].map((t) => t.length)).toEqual([40, 40]);
    const shapes: [line: string, masked: string, planted: string[]][] = [
      [
        'curl -u deploy:Quokka-Lantern-5150 https://ci.invalid/api',
        'curl -u deploy:*** https://ci.invalid/api',
        ['Quokka-Lantern-5150'],
      ],
      [
        "curl --user 'deploy:Quokka-Lantern-5151' https://ci.invalid",
        "curl --user 'deploy:***' https://ci.invalid",
        ['Quokka-Lantern-5151'],
      ],
      [
        'mysql -u root -pMarmot7Gable booking < dump.sql',
        'mysql -u root -p*** booking < dump.sql',
        ['Marmot7Gable'],
      ],
      [
        `curl -H "Authorization: Basic ${basic}" https://ci.invalid`,
        'curl -H "Authorization: Basic ***" https://ci.invalid',
        [basic, 'Heron-Teapot-2231'],
      ],
      [
        `aws configure set aws_secret_access_key ${awsSet}`,
        'aws configure set aws_secret_access_key ***',
        [awsSet],
      ],
      [`export AWS_SECRET_ACCESS_KEY=${awsEnv}`, 'export AWS_SECRET_ACCESS_KEY=***', [awsEnv]],
      [
        `git clone https://github.invalid/x.git # with ${ghp}`,
        'git clone https://github.invalid/x.git # with ***',
        [ghp],
      ],
      [`npm publish # token ${npm}`, 'npm publish # token ***', [npm]],
      [`post to slack with ${slack}`, 'post to slack with ***', [slack]],
      ['./migrate --password Wombat44Trellis', './migrate --password ***', ['Wombat44Trellis']],
    ];
    for (const [line, masked, planted] of shapes) {
      const m = await maskCredentials(line, 'plan.md');
      expect(m.text, line).toBe(masked);
      expect(m.values.length, line).toBeGreaterThan(0);
      // Not vacuous: the line holds its value (the Basic token holds the password encoded).
      expect(line).toContain(planted[0]);
    }
    // Placeholders and look-alikes stay as written.
    for (const line of [
      'curl -u "$CI_USER:$CI_PASSWORD" https://ci.invalid',
      'mysql -u root -p booking',
      'Authorization: Basic <base64>',
      'Basic Functionality works for every user',
      'docker run -u 1000:1000 app',
      'token expiration_seconds_default',
    ])
      expect((await maskCredentials(line, 'plan.md')).text, line).toBe(line);

    // Through import: each shape in a shell block and in a checklist line, no byte of any in what it writes.
    const plan = [
      '# Release',
      '',
      '## Staging Verification',
      '',
      ...shapes.map(([line]) => `- [ ] Run \`${line}\``),
      '',
      '```bash',
      ...shapes.map(([line]) => line),
      '```',
    ].join('\n');
    const out = await importMarkdown({
      markdown: plan,
      document: 'plan.md',
      baseURL: 'http://127.0.0.1:3000',
      outDir: 'runbooks/x',
    });
    const written = [...out.files.map((f) => f.text), JSON.stringify(out.runbook)].join('\n');
    for (const p of shapes.flatMap(([, , planted]) => planted)) expect(written, p).not.toContain(p);
    expect(written).toContain('curl -u deploy:*** https://ci.invalid/api');
    expect(out.counts.items).toBe(shapes.length);
  });

  it('reach no byte of anything import writes', async () => {
    for (const f of ['lantern-rollout.md', 'quill-release.md']) {
      const md = read(f);
      // Not vacuous: the plan holds each of its planted values.
      expect(PLANTED.filter((p) => md.includes(p)).length, f).toBe(3);
      const out = await importMarkdown({
        markdown: md,
        document: f,
        baseURL: 'http://127.0.0.1:3000',
        outDir: 'runbooks/x',
      });
      for (const file of out.files)
        for (const p of PLANTED) expect(file.text, `${file.rel}: ${p}`).not.toContain(p);
      expect(JSON.stringify(out.runbook)).not.toMatch(new RegExp(PLANTED.join('|')));
      expect(out.masked, f).toBeGreaterThanOrEqual(2);
    }
  });
});

describe('importMarkdown', () => {
  let out: ImportOutput;
  beforeAll(async () => {
    out = await importMarkdown({
      markdown: read('lantern-rollout.md'),
      document: 'lantern-rollout.md',
      baseURL: 'http://127.0.0.1:4100',
      outDir: 'runbooks/lantern',
    });
  });

  it('writes a runbook and one placeholder suite per stage, with the package’s public imports', () => {
    expect(out.name).toBe('lantern-rollout');
    expect(out.files.map((f) => f.rel)).toEqual([
      'runbooks/lantern/lantern-rollout.runbook.ts',
      'runbooks/lantern/preflight.suite.ts',
      'runbooks/lantern/staging.suite.ts',
      'runbooks/lantern/canary.suite.ts',
      'runbooks/lantern/production.suite.ts',
      'runbooks/lantern/post-deployment.suite.ts',
    ]);
    for (const f of out.files) {
      const specifiers = [...f.text.matchAll(/^import .* from '([^']+)';$/gm)].map((m) => m[1]);
      expect(specifiers, f.rel).toEqual([f.rel.endsWith('.runbook.ts') ? 'rollgate' : 'rollgate/vitest']);
    }
    expect(out.counts).toEqual({ stages: 5, items: 45, signoffs: 6, placeholders: 39, budgets: 6 });
    expect(out.runbook.targets.app!.baseURL).toBe('http://127.0.0.1:4100');
    // Shell blocks are comments under their stage.
    expect(out.files[0]!.text).toMatch(
      /\/\/ Shell from lantern-rollout\.md line 42[^\n]*\n {4}\/\/ {3}helm upgrade lantern/,
    );
  });

  it('points each placeholder item at the id the gate reports for its placeholder', () => {
    for (const it of items(out.runbook).filter((i) => i.checks.length)) {
      const [id] = it.checks;
      const stage = id!.split('/')[0]!;
      const suite = out.files.find((f) => f.rel === `runbooks/lantern/${stage}.suite.ts`)!;
      // The title as written in the suite gives that id.
      const titles = [...suite.text.matchAll(/^placeholder\(\n {2}'((?:[^'\\]|\\.)*)',/gm)].map((m) =>
        m[1]!.replace(/\\(.)/g, '$1'),
      );
      expect(
        titles.map((t) => checkIdentity(suite.rel, [t]).id),
        it.label,
      ).toContain(id);
      expect(scanPlaceholders(suite.text).names.size).toBe(titles.length);
    }
  });

  it('declares the sign-offs with role and reason, and budgets on their stages', () => {
    expect(
      out.runbook.signoffs.find((s) => s.title === 'Legal sign-off on the updated cancellation terms'),
    ).toEqual({
      title: 'Legal sign-off on the updated cancellation terms',
      stage: 'staging',
      role: 'legal',
      reason: 'a decision or an action of people, not a state of the deployment',
    });
    // The runbook's budgets merge into each stage; the canary's own override by name.
    expect(budgets(out.runbook, 'staging')).toEqual(['availability >= 99.9 %', 'error-rate <= 0.01 ratio']);
    expect(budgets(out.runbook, 'canary')).toEqual([
      'availability >= 99.9 %',
      'error-rate < 0.005 ratio',
      'p95-latency < 300 ms',
      'lcp < 2500 ms',
      'cpu-usage < 70 %',
    ]);
  });
});

describe('the placeholder scan', () => {
  it('finds vitest and Playwright placeholders by their literal titles, under any local name', () => {
    const vitest = scanPlaceholders(`import { check, placeholder as todo } from 'rollgate/vitest';
// todo('in a comment', 'x')
check('real', () => {});
todo('first', "it's a hint", { id: 'app/first' });
todo(\`second\`, 'hint');
todo(\`third \${n}\`, 'hint');
const s = "todo('in a string', 'x')";
`);
    expect([...vitest.names]).toEqual(['first [app/first]', 'second']);
    expect(vitest.unresolved).toEqual([6]);
    const pw = scanPlaceholders(`import * as rg from 'rollgate/playwright';
rg.test('golden [golden/x]', rg.placeholder('open / and expect it'));
rg.test('tagged', { tag: '@canary' }, rg.placeholder('hint'));
rg.test('written', async ({ page }) => { await page.goto('/'); });
`);
    expect([...pw.names]).toEqual(['golden [golden/x]', 'tagged']);
    expect(pw.unresolved).toEqual([]);
    // A file that does not import placeholder from rollgate declares none.
    expect(scanPlaceholders(`const placeholder = (a, b) => a; placeholder('x', 'y');`).names.size).toBe(0);
  });
});
