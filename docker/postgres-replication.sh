#!/bin/sh
# Run once by the postgres image when it initialises its data directory: the application's role may stream the
# cluster to the read replica of the `replica` profile (docker-compose.yml, docs/deployment.md).
set -e
psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" -c "ALTER ROLE \"$POSTGRES_USER\" REPLICATION"
echo "host replication $POSTGRES_USER all scram-sha-256" >>"$PGDATA/pg_hba.conf"
