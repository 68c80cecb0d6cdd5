// Starts one moto server for the integration project and hands its endpoint to the tests.
import 'vitest';
import type { TestProject } from 'vitest/node';
import { startMoto } from '../../scripts/moto.js';

declare module 'vitest' {
  export interface ProvidedContext {
    motoEndpoint: string;
  }
}

export default async function setup(project: TestProject) {
  const moto = await startMoto();
  project.provide('motoEndpoint', moto.endpoint);
  return async () => moto.stop();
}
