export * from './check-result.ts';
export * from './evidence.ts';
export * from './governance.ts';
export * from './ledger-entry.ts';
export * from './measurement.ts';
export * from './raw-result.ts';
export * from './runbook.ts';
export * from './verdict.ts';
