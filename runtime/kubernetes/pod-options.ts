/** What a cluster decides about the pods strata makes (the rest comes from the PodRequest). */
import type { V1OwnerReference, V1ResourceRequirements } from '@kubernetes/client-node';
import type { SlotOptions } from './slot-layout.ts';
import type { ImageMap } from '../image-map.ts';

export interface PodBuildOptions {
  namespace: string;
  /** the quarterback image; it also carries the gate entrypoint (deploy/docker/quarterback.Dockerfile) */
  quarterbackImage: string;
  /** the PersistentVolumeClaim the workers keep their files on (artifacts, step dirs); without one, emptyDirs */
  sharedClaim?: string;
  /** where the workers mount that claim (default: the request's artifactsDir) */
  sharedDir?: string;
  /** size limit of a pod's scratch (with the steps' work dirs) when its flow names none (default 1Gi) */
  scratchSize?: string;
  /** owner of every pod (e.g. the worker Deployment), so uninstalling strata removes them */
  owner?: V1OwnerReference;
  imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  imagePullSecrets?: string[];
  /** ServiceAccount of task pods (they get no API token either way) */
  stepServiceAccount?: string;
  quarterbackResources?: V1ResourceRequirements;
  /** the command of an image, for micro tasks that name none (like the local runtime's image map) */
  imageMap?: ImageMap;
  slots?: SlotOptions;
  /** how often a waiting gate entrypoint looks for its go signal, in seconds (default 0.1) */
  gatePollSeconds?: number;
  /** after SIGTERM, how long a step may take to stop, in seconds (default 10) */
  killGraceSeconds?: number;
  /** STRATA_FILE_ROOTS, for file:// sources of micro cycles read by the quarterback; absent: any */
  fileRoots?: string[];
  /** extra labels on every pod */
  labels?: Record<string, string>;
}

export const DEFAULT_SCRATCH_SIZE = '1Gi';
export const DEFAULT_KILL_GRACE_SECONDS = 10;
export const DEFAULT_QUARTERBACK_RESOURCES: V1ResourceRequirements = {
  requests: { cpu: '50m', memory: '64Mi' },
  limits: { memory: '256Mi' },
};
