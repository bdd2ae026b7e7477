// The exception a database driver raises for an error of the layers below it, as the
// worker logs it (App.exceptionsRaised): psycopg2 keeps libpq's text, asyncpg maps the
// SQLSTATE to its own exception class.
import { STATEMENT_TIMEOUT } from './statementTimeout.js';

export type Driver = 'psycopg2' | 'asyncpg';

/** `error` as `driver` raises it; a text that is already a Python exception stays as it is. */
export function raisedAs(driver: Driver, error: string): string {
  // Already a Python exception (sqlalchemy.exc..., psycopg2.errors..., pybreaker..., requests...), or the driver's message.
  return /^[a-z][\w.]*\.\w+: /.test(error) ? error : driverError(driver, error);
}

/**
 * How the driver raises PostgreSQL's FATAL message: psycopg2 keeps libpq's text; asyncpg
 * maps the SQLSTATE to its class (53300 too_many_connections: TooManyConnectionsError)
 * and drops the severity.
 */
function driverError(driver: Driver, error: string): string {
  // SQLSTATE 57014: psycopg2.errors.QueryCanceled, asyncpg.exceptions.QueryCanceledError.
  if (error === STATEMENT_TIMEOUT) {
    const what = error.replace(/^ERROR: +/, '');
    return driver === 'psycopg2' ? `psycopg2.errors.QueryCanceled: ${what}` : `asyncpg.exceptions.QueryCanceledError: ${what}`;
  }
  if (driver === 'psycopg2') return `psycopg2.OperationalError: ${error}`;
  // asyncpg's own errors (the pool's TimeoutError, the app's AttributeError) are already whole.
  return error.startsWith('FATAL') ? `asyncpg.exceptions.TooManyConnectionsError: ${error.replace(/^FATAL: +/, '')}` : error;
}
