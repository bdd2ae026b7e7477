# Not from the article: the handlers of costs.sh's micro-benchmarks, in one module so that
# one gunicorn worker serves them all (the trivial request and the others are then
# measured on the same process, alternately). By path:
#   /         a trivial request: 204, no database, nothing logged
#   /connect  wsgi_patched's handler (psycogreen, connect, SELECT pg_sleep(1.0)); costs.sh
#             calls it only while PostgreSQL is full, so connect raises "too many clients"
#             and gunicorn answers 500 (handle_error, traceback logged)
#   /actors   wsgi_actors's handler (connect, the actors query, 200 rows)
#   /connclose  psycopg2.connect() and close() only (connect_in_worker.sh)
# The article's handler functions are called directly, without the timestamps that
# run.sh's application() wrappers log.
import wsgi_actors
import wsgi_patched


def application(environ, start_response):
    path = environ.get("PATH_INFO", "/")
    if path == "/connect":
        return wsgi_patched._handle(environ, start_response)
    if path == "/actors":
        return wsgi_actors._handle(environ, start_response)
    if path == "/connclose":
        wsgi_actors.psycopg2.connect(**wsgi_actors.DB).close()
    start_response("204 No Content", [])
    return [b""]
