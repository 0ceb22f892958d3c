/** Fixed paths inside a bundle's top folder, `rollgate-bundle-<run-id>/` (docs/evidence.md). */
export const BUNDLE_PATHS = {
  manifest: 'manifest.json',
  checksums: 'checksums.sha256',
  publicKey: 'signing-key.pub.pem',
  summary: 'attestations/summary.dsse.json',
  statement: (runId: string) => `attestations/${runId}.dsse.json`,
  runFile: (runId: string, rel: string) => `runs/${runId}/${rel}`,
};
