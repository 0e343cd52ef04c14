# Sourced (not executed) by the influxdb 1.x image's /init-influxdb.sh on the first start only,
# after it created INFLUXDB_DB and the users; $INFLUX_CMD is its `influx … -execute` as admin.
# Creates what the app expects, so the app's own user needs no admin rights
# (INFLUX_CREATE_DATABASE=false): the policy "raw" (default, INFLUX_RAW_RETENTION) on
# INFLUXDB_DB, and the rollups' database INFLUX_ROLLUP_DATABASE with its policy "forever"
# (no expiry), on which the app's user may write and Grafana's read.
# InfluxQL identifiers are double-quoted; the names must not contain a double quote.

ROLLUP_DB="${INFLUX_ROLLUP_DATABASE:-${INFLUXDB_DB}_daily}"
$INFLUX_CMD "CREATE RETENTION POLICY \"raw\" ON \"${INFLUXDB_DB}\" DURATION ${INFLUX_RAW_RETENTION:-400d} REPLICATION 1 DEFAULT"
$INFLUX_CMD "CREATE DATABASE \"${ROLLUP_DB}\""
$INFLUX_CMD "CREATE RETENTION POLICY \"forever\" ON \"${ROLLUP_DB}\" DURATION INF REPLICATION 1"
$INFLUX_CMD "GRANT ALL ON \"${ROLLUP_DB}\" TO \"${INFLUXDB_USER}\""
$INFLUX_CMD "GRANT READ ON \"${ROLLUP_DB}\" TO \"${INFLUXDB_READ_USER}\""
