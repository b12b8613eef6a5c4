import type { Contacts } from '../../schemas/index.js';
import type { StoreContext } from '../store/index.js';

/** What propagation needs: the store, and the contact addresses its notifications name. */
export interface PropagationContext extends StoreContext {
  /** Default: the service's addresses (`CONTACTS`). */
  readonly contacts?: Contacts;
}
