/** A big Argo loop (Argo tester 7, R12): shared by test/api/routes/runs-big and bench/big-run-bench. */
/** An Argo Workflow looping over `n` map items (about 110 bytes each, as the tester's 11 MB for 100,000). */
export function bigLoop(n: number): unknown {
  const items = Array.from({ length: n }, (_, i) => ({ id: `item-${String(i).padStart(6, '0')}`, path: `s3://bucket/data/part-${String(i).padStart(6, '0')}.parquet`, size: 100_000 + i }));
  return {
    apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: { generateName: 'big-' },
    spec: {
      entrypoint: 'main',
      templates: [
        { name: 'main', steps: [[{ name: 'each', template: 'work', arguments: { parameters: [{ name: 'p', value: '{{item.path}}' }] }, withItems: items }]] },
        { name: 'work', inputs: { parameters: [{ name: 'p' }] }, container: { image: 'alpine', command: ['true'] } },
      ],
    },
  };
}
