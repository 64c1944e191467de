/** Tests use the sample app's embedded Postgres (PGlite over a TCP port); see its header for the API. */
export { startPglite, type RunningPglite, type StartPgliteOptions } from '../../sample-app/src/database/embedded-postgres';
