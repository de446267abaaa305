/** Wait for a condition that real processes make true: the suite's one `until`, under the name these tests use. */
export { until as waitFor } from '../../../support/processes.ts';
