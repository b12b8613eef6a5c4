/**
 * The model-based test (`support/model-run.ts`), writes interleaved: writes
 * land while the handlers are at work, in between steps and settles of the
 * pipeline, and the table must still converge to the model without a notice
 * sent twice.
 */
import { runs } from '../support/property.js';
import { modelProperty } from './support/model-run.js';

// 600 runs here and 400 in `model-isolated.test.ts`: the 1,000 the README asks of every property.
modelProperty(
  'converges to the model with interleaved writes, and never notifies twice',
  'interleaved',
  runs(600),
);
