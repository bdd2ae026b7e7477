import { describe, expect, it } from 'vitest';
import { raisedAs } from '../../../src/model/database/driverError.js';
import { CONNECT_TIMED_OUT } from '../../../src/model/database/postmaster.js';
import { TOO_MANY_CLIENTS } from '../../../src/model/database/postgres.js';
import { STATEMENT_TIMEOUT } from '../../../src/model/database/statementTimeout.js';

describe('the exception a driver raises for a database error', () => {
  it("psycopg2 keeps libpq's text in an OperationalError", () => {
    expect(raisedAs('psycopg2', TOO_MANY_CLIENTS)).toBe('psycopg2.OperationalError: FATAL:  sorry, too many clients already');
    expect(raisedAs('psycopg2', CONNECT_TIMED_OUT)).toBe('psycopg2.OperationalError: connection to server failed: Connection timed out');
  });

  it('asyncpg maps SQLSTATE 53300 to TooManyConnectionsError, without the severity', () => {
    expect(raisedAs('asyncpg', TOO_MANY_CLIENTS)).toBe('asyncpg.exceptions.TooManyConnectionsError: sorry, too many clients already');
  });

  it('a statement timeout (SQLSTATE 57014) is QueryCanceled in psycopg2, QueryCanceledError in asyncpg', () => {
    expect(raisedAs('psycopg2', STATEMENT_TIMEOUT)).toBe('psycopg2.errors.QueryCanceled: canceling statement due to statement timeout');
    expect(raisedAs('asyncpg', STATEMENT_TIMEOUT)).toBe(
      'asyncpg.exceptions.QueryCanceledError: canceling statement due to statement timeout',
    );
  });

  it('an error that is already a Python exception, or one of asyncpg that is not a FATAL, stays as it is', () => {
    const poolTimeout = 'sqlalchemy.exc.TimeoutError: QueuePool limit of size 1 overflow 0 reached';
    expect(raisedAs('psycopg2', poolTimeout)).toBe(poolTimeout);
    expect(raisedAs('asyncpg', poolTimeout)).toBe(poolTimeout);
    expect(raisedAs('asyncpg', 'TimeoutError')).toBe('TimeoutError');
  });
});
