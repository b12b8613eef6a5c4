/** `npm run token -- <role> [researcherId]`: prints a local bearer token for one role. */
import { ROLES, type Role } from '../functions/api/index.js';
import { signLocalToken } from './auth.js';

const [role, researcherId] = process.argv.slice(2);

if (!ROLES.includes(role as Role) || (role === 'researcher' && !researcherId)) {
  console.error(
    `Usage: npm run token -- <${ROLES.join('|')}> [researcherId]\n(a researcher token needs the researcher's id)`,
  );
  process.exit(2);
}

signLocalToken(role as Role, researcherId ? { researcherId } : {})
  .then((token) => console.log(token))
  .catch((err: Error) => {
    console.error(err.message);
    process.exit(2);
  });
