/**
 * The model-based test (`support/model-run.ts`), writes one at a time: each
 * write runs on its own, the pipeline settled before and after it, so every
 * one of them must notify exactly whom the oracle says.
 */
import { runs } from '../support/property.js';
import { modelProperty } from './support/model-run.js';

// 400 runs here and 600 in `model-interleaved.test.ts`: the 1,000 the README asks of every property.
modelProperty(
  'notifies exactly the narrowed (researcher, project) of each write run on its own, and keeps every invariant',
  'isolated',
  runs(400),
);
