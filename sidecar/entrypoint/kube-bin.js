#!/usr/bin/env node
// The quarterback of a Kubernetes pod, no build step: loads the TypeScript sources through tsx.
import { register } from 'tsx/esm/api';

register();
await import('./kube-main.ts');
